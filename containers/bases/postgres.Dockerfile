# flock-local/postgres:15 — stands in for postgres:17.6-alpine with Debian bookworm's PostgreSQL 15: the
# same start-up contract for what Flock uses (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB and PGDATA,
# default /var/lib/postgresql/data; an empty PGDATA gets a new cluster, then the server runs in the
# foreground listening on every address), the upstream Alpine image's user (postgres, 70:70, which the
# manifests run as), pg_isready on the PATH and SIGINT (fast shutdown) to stop.
ARG DEBIAN_IMAGE=flock-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 70 postgres \
  && useradd --system --uid 70 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
  && mkdir -p /etc/postgresql-common/createcluster.d \
  && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/flock.conf \
  && apt-get update \
  && apt-get install -y --no-install-recommends postgresql-15 gosu \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
  && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
  && chmod 3777 /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
