# flock-local/prometheus:2 — stands in for prom/prometheus:v3.5.0 with Debian bookworm's Prometheus 2.42:
# the binary as the entry point (/bin/prometheus), configuration in /etc/prometheus, data in /prometheus,
# user nobody (65534), port 9090, and wget for health checks (busybox's, upstream).
ARG DEBIAN_IMAGE=flock-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends prometheus wget \
  && rm -rf /var/lib/apt/lists/* /var/lib/prometheus \
  && mkdir -p /prometheus \
  && chown nobody:nogroup /prometheus
USER nobody
WORKDIR /prometheus
EXPOSE 9090
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
