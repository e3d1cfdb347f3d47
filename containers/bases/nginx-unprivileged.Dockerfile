# flock-local/nginx-unprivileged:1.22 — stands in for nginxinc/nginx-unprivileged:1.28.0-alpine with
# Debian bookworm's nginx 1.22: the same paths (/etc/nginx/nginx.conf, /etc/nginx/mime.types,
# /usr/share/nginx/html), the same user (nginx, 101:101), port 8080, pid and temporary files in /tmp,
# logs to stdout/stderr, SIGQUIT to stop, and wget for health checks (busybox's, upstream).
ARG DEBIAN_IMAGE=flock-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 101 nginx \
  && useradd --system --uid 101 --gid nginx --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin nginx \
  && apt-get update \
  && apt-get install -y --no-install-recommends nginx wget \
  && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available \
  && mkdir -p /usr/share/nginx/html /etc/nginx/conf.d \
  && ln -sf /dev/stdout /var/log/nginx/access.log \
  && ln -sf /dev/stderr /var/log/nginx/error.log \
  && chown -R nginx:nginx /var/log/nginx /var/lib/nginx /etc/nginx/conf.d /usr/share/nginx/html
COPY nginx-unprivileged.conf /etc/nginx/nginx.conf
COPY nginx-default.conf /etc/nginx/conf.d/default.conf
RUN echo '<!doctype html><title>nginx</title><p>flock-local/nginx-unprivileged' > /usr/share/nginx/html/index.html \
  && nginx -t
USER 101
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
