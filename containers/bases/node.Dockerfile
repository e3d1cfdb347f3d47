# flock-local/node:24 — stands in for node:24.21.0-bookworm-slim where no registry can be reached: the
# Debian bookworm base made here, the Node binary the npm registry ships (the `node` package of the
# lockfile, byte for byte the official release build) and the npm that Node release bundles. Like the
# upstream image: node and npm under /usr/local, a `node` user (1000:1000), `node` as the command.
ARG DEBIAN_IMAGE=flock-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
ARG NODE_VERSION
ARG NPM_VERSION
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
# ADD unpacks the npm tarball (its dependencies are bundled inside it) into package/.
ADD npm.tgz /usr/local/lib/node_modules/
RUN mv /usr/local/lib/node_modules/package /usr/local/lib/node_modules/npm \
  && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
  && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
  && test "$(node --version)" = "v${NODE_VERSION}" \
  && test "$(npm --version)" = "${NPM_VERSION}"
ENV NODE_VERSION=${NODE_VERSION}
CMD ["node"]
