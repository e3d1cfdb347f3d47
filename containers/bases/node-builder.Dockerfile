# flock-local/node-builder:24 — the Node stand-in for build stages only: it adds this machine's CA bundle,
# because the package registries are reached here through a TLS-intercepting proxy that npm must trust.
# The Flock Dockerfiles take it as NODE_BUILD_IMAGE for their build stages; their final stages start
# from NODE_IMAGE, so the bundle never reaches a final image (containers/test checks).
ARG NODE_IMAGE=flock-local/node:24
FROM ${NODE_IMAGE}
COPY machine-ca.crt /usr/local/share/flock-build/machine-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/flock-build/machine-ca.crt \
    npm_config_cafile=/usr/local/share/flock-build/machine-ca.crt
