// The stand-in base images. No image registry can be reached from the machines this project is built
// on, so the images the Dockerfiles and docker-compose.yaml name upstream (node, nginx-unprivileged,
// postgres, prometheus) cannot be pulled. These are made here instead, from Debian's packages and the
// npm registry, under names of their own (flock-local/…) that say what they really hold; the Flock
// Dockerfiles and Compose take them through build arguments and variables (local-bases.env) whose
// defaults stay the upstream images. Each is rebuilt only when its recipe changes: the recipe's hash
// is a label on the image. `node containers/bases.ts` builds them by hand.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flockCacheDir } from '@flock/tools/cache';
import { docker, imageLabel, run, stream } from './docker.ts';

const BASES_DIR = fileURLToPath(new URL('bases/', import.meta.url));
const REPO = fileURLToPath(new URL('../', import.meta.url));
const RECIPE_LABEL = 'org.flock.recipe';

/** The npm that the Node release of the lockfile bundles (Node 24.21.0: npm 11.19.0). */
const NPM_VERSION = '11.19.0';
/** This machine's CA bundle: npm in build stages must trust the registry's TLS through it. */
const MACHINE_CA = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt';
const DEBIAN_MIRROR = process.env.DEBIAN_MIRROR || 'http://deb.debian.org/debian';

export interface StandIn {
  image: string;
  /** The upstream image (or images) it stands in for. */
  replaces: string;
  /** What it really holds, for the docs and the build log. */
  holds: string;
}

export const STAND_INS = {
  debian: {
    image: 'flock-local/debian:bookworm',
    replaces: '(the Debian layer of node:24.21.0-bookworm-slim)',
    holds: 'Debian 12 bookworm, minbase, from debootstrap',
  },
  node: {
    image: 'flock-local/node:24',
    replaces: 'node:24.21.0-bookworm-slim',
    holds: `Node 24 (the npm registry's build of the lockfile's version) and npm ${NPM_VERSION} on Debian bookworm`,
  },
  nodeBuilder: {
    image: 'flock-local/node-builder:24',
    replaces: 'node:24.21.0-bookworm-slim, in build stages only',
    holds: "flock-local/node:24 plus this machine's CA bundle for npm",
  },
  nginx: {
    image: 'flock-local/nginx-unprivileged:1.22',
    replaces: 'nginxinc/nginx-unprivileged:1.28.0-alpine',
    holds: "Debian bookworm's nginx 1.22",
  },
  postgres: {
    image: 'flock-local/postgres:15',
    replaces: 'postgres:17.6-alpine',
    holds: "Debian bookworm's PostgreSQL 15",
  },
  prometheus: {
    image: 'flock-local/prometheus:2',
    replaces: 'prom/prometheus:v3.5.0',
    holds: "Debian bookworm's Prometheus 2.42",
  },
} satisfies Record<string, StandIn>;

/** The build arguments and Compose variables that put the stand-ins in place of the upstream images. */
export const STAND_IN_VARIABLES: Record<string, string> = {
  NODE_IMAGE: STAND_INS.node.image,
  NODE_BUILD_IMAGE: STAND_INS.nodeBuilder.image,
  NGINX_IMAGE: STAND_INS.nginx.image,
  POSTGRES_IMAGE: STAND_INS.postgres.image,
  PROMETHEUS_IMAGE: STAND_INS.prometheus.image,
};

type Log = (line: string) => void;

function hash(...parts: (string | Buffer)[]): string {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex').slice(0, 16);
}

const baseFile = (name: string) => readFileSync(join(BASES_DIR, name));

/** Builds `image` with `build` unless it already carries the recipe `recipe`. */
async function ensure(image: string, recipe: string, log: Log, build: () => Promise<void>) {
  if ((await imageLabel(image, RECIPE_LABEL)) === recipe) return;
  const started = Date.now();
  log(`flock: building the stand-in ${image}…`);
  await build();
  log(`flock: built ${image} in ${Math.round((Date.now() - started) / 1000)} s`);
}

function ensureDebootstrap(log: Log) {
  if (spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0) return;
  const command = 'apt-get update && apt-get install -y --no-install-recommends debootstrap';
  if (process.getuid?.() !== 0)
    throw new Error(`the Debian base image needs debootstrap, as root: ${command}`);
  log(`flock: installing debootstrap (${command})…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'debootstrap'],
  ]) {
    if (spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] }).status !== 0) {
      throw new Error(`could not install debootstrap; run: ${command}`);
    }
  }
}

// What goes into the bootstrapped tree after debootstrap, as Docker's own Debian images have it: every
// Debian suite of the release, no services started by package installs, no documentation installed.
const DEBIAN_FILES: Record<string, string> = {
  'etc/apt/sources.list': [
    `deb ${DEBIAN_MIRROR} bookworm main`,
    `deb ${DEBIAN_MIRROR} bookworm-updates main`,
    `deb ${DEBIAN_MIRROR.replace(/\/debian$/, '/debian-security')} bookworm-security main`,
    '',
  ].join('\n'),
  'usr/sbin/policy-rc.d': '#!/bin/sh\nexit 101\n',
  'etc/dpkg/dpkg.cfg.d/flock-slim': [
    'path-exclude /usr/share/doc/*',
    'path-include /usr/share/doc/*/copyright',
    'path-exclude /usr/share/man/*',
    'path-exclude /usr/share/info/*',
    'path-exclude /usr/share/locale/*',
    '',
  ].join('\n'),
  'etc/apt/apt.conf.d/flock-clean': 'APT::Keep-Downloaded-Packages "false";\n',
};

async function buildDebian(log: Log) {
  const { image } = STAND_INS.debian;
  const recipe = hash('debootstrap --variant=minbase bookworm', DEBIAN_MIRROR, JSON.stringify(DEBIAN_FILES));
  await ensure(image, recipe, log, async () => {
    ensureDebootstrap(log);
    const work = flockCacheDir('rootfs');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    try {
      await stream('debootstrap', ['--variant=minbase', 'bookworm', work, DEBIAN_MIRROR], {
        onLine: (line) => {
          if (
            /^I: (Retrieving Release|Retrieving Packages|Installing core|Unpacking the base|Configuring the base|Base system)/.test(
              line,
            )
          ) {
            log(`flock:   debootstrap: ${line.slice(3)}`);
          }
        },
      });
      for (const [path, content] of Object.entries(DEBIAN_FILES)) {
        writeFileSync(join(work, path), content, { mode: path.includes('sbin/') ? 0o755 : 0o644 });
      }
      for (const dir of [
        'var/lib/apt/lists',
        'var/cache/apt',
        'var/log',
        'usr/share/man',
        'usr/share/info',
        'usr/share/locale',
      ]) {
        rmSync(join(work, dir), { recursive: true, force: true });
        mkdirSync(join(work, dir), { recursive: true });
      }
      const trim = spawnSync('find', [
        join(work, 'usr/share/doc'),
        '-type',
        'f',
        '!',
        '-name',
        'copyright',
        '-delete',
      ]);
      if (trim.status !== 0) throw new Error('could not trim the documentation of the Debian tree');
      const archive = spawn('tar', ['--numeric-owner', '-C', work, '-c', '.'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await stream(
        'docker',
        ['import', '--change', `LABEL ${RECIPE_LABEL}=${recipe}`, '--change', 'CMD ["bash"]', '-', image],
        { onLine: () => {}, stdin: archive.stdout },
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
  return recipe;
}

/** Runs `docker build` of a stand-in from containers/bases, its context a temporary folder. */
async function buildFromDockerfile(
  image: string,
  recipe: string,
  dockerfile: string,
  context: Record<string, string | Buffer | { copyOf: string }>,
  buildArgs: Record<string, string>,
  log: Log,
) {
  await ensure(image, recipe, log, async () => {
    const dir = mkdtempSync(join(flockCacheDir(), 'context-'));
    try {
      copyFileSync(join(BASES_DIR, dockerfile), join(dir, 'Dockerfile'));
      for (const [name, content] of Object.entries(context)) {
        if (typeof content === 'object' && 'copyOf' in content) copyFileSync(content.copyOf, join(dir, name));
        else writeFileSync(join(dir, name), content, { mode: name.endsWith('.sh') ? 0o755 : 0o644 });
      }
      const args = ['build', '--pull=false', '--label', `${RECIPE_LABEL}=${recipe}`, '-t', image];
      for (const [key, value] of Object.entries(buildArgs)) args.push('--build-arg', `${key}=${value}`);
      await stream('docker', [...args, dir], {
        onLine: (line) => {
          if (/^Step \d+\/\d+ : (FROM|RUN|COPY|ADD)/.test(line))
            log(`flock:   ${image}: ${line.slice(0, 120)}`);
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The Node binary that the lockfile's `node` package installed (the official build), and its version. */
function lockedNode(): { path: string; version: string } {
  const link = join(REPO, 'node_modules/.bin/node');
  if (!existsSync(link)) throw new Error('node_modules/.bin/node is missing: run `npm ci` first');
  const path = realpathSync(link);
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
  if (!version.startsWith('24.'))
    throw new Error(`${path} is Node ${version}, not the Node 24 the images use`);
  return { path, version };
}

/** npm's own tarball from the registry (it bundles its dependencies), kept in the cache. */
async function npmTarball(): Promise<string> {
  const dir = flockCacheDir('downloads');
  const file = join(dir, `npm-${NPM_VERSION}.tgz`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const result = await run('npm', ['pack', `npm@${NPM_VERSION}`, '--pack-destination', dir, '--silent'], {
    timeoutMs: 300_000,
  });
  if (result.code !== 0 || !existsSync(file))
    throw new Error(`npm pack npm@${NPM_VERSION} failed:\n${result.stderr}`);
  return file;
}

/** Builds every stand-in that is missing or out of date; returns them with what they hold. */
export async function buildBases(log: Log = (line) => console.log(line)) {
  const node = lockedNode();
  const debianRecipe = await buildDebian(log);
  const debianArgs = { DEBIAN_IMAGE: STAND_INS.debian.image };

  const nodeRecipe = hash(debianRecipe, baseFile('node.Dockerfile'), node.version, NPM_VERSION);
  await buildFromDockerfile(
    STAND_INS.node.image,
    nodeRecipe,
    'node.Dockerfile',
    { node: { copyOf: node.path }, 'npm.tgz': { copyOf: await npmTarball() } },
    { ...debianArgs, NODE_VERSION: node.version, NPM_VERSION },
    log,
  );

  const ca = readFileSync(MACHINE_CA);
  await buildFromDockerfile(
    STAND_INS.nodeBuilder.image,
    hash(nodeRecipe, baseFile('node-builder.Dockerfile'), ca),
    'node-builder.Dockerfile',
    { 'machine-ca.crt': ca },
    { NODE_IMAGE: STAND_INS.node.image },
    log,
  );

  const nginxFiles = ['nginx-unprivileged.conf', 'nginx-default.conf'];
  await buildFromDockerfile(
    STAND_INS.nginx.image,
    hash(debianRecipe, baseFile('nginx-unprivileged.Dockerfile'), ...nginxFiles.map(baseFile)),
    'nginx-unprivileged.Dockerfile',
    Object.fromEntries(nginxFiles.map((name) => [name, baseFile(name)])),
    debianArgs,
    log,
  );

  await buildFromDockerfile(
    STAND_INS.postgres.image,
    hash(debianRecipe, baseFile('postgres.Dockerfile'), baseFile('postgres-entrypoint.sh')),
    'postgres.Dockerfile',
    { 'postgres-entrypoint.sh': baseFile('postgres-entrypoint.sh') },
    debianArgs,
    log,
  );

  await buildFromDockerfile(
    STAND_INS.prometheus.image,
    hash(debianRecipe, baseFile('prometheus.Dockerfile')),
    'prometheus.Dockerfile',
    {},
    debianArgs,
    log,
  );
  return STAND_INS;
}

if (import.meta.main) {
  const { ensureEngine } = await import('./engine.ts');
  const engine = await ensureEngine();
  if (engine.dockerHost) process.env.DOCKER_HOST = engine.dockerHost;
  await buildBases();
  for (const standIn of Object.values(STAND_INS)) console.log(`${standIn.image}  ${standIn.holds}`);
  console.log(
    await docker(['image', 'ls', 'flock-local/*', '--format', '{{.Repository}}:{{.Tag}} {{.Size}}']),
  );
}
