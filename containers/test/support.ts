// What the container tests share: the engine from the global setup, waiting for a container's health
// check, stopping it as Kubernetes does, reading an image's files.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, vi } from 'vitest';
import { docker, dockerEnv, run } from '../docker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dockerHost: string;
    compose: string;
  }
}

/** Every container and network a test makes carries this label; the global teardown removes leftovers. */
export const TEST_LABEL = 'org.flock.test=containers';

export function useEngine() {
  const host = inject('dockerHost');
  if (host) dockerEnv.DOCKER_HOST = host;
}

async function logsOf(container: string): Promise<string> {
  const logs = await run('docker', ['logs', '--tail', '40', container]);
  return `${logs.stdout}${logs.stderr}`;
}

/** Waits until the image's own HEALTHCHECK reports healthy; fails at once if the container exits. */
export async function waitHealthy(container: string, timeoutMs = 60_000) {
  await vi
    .waitFor(
      async () => {
        const state = JSON.parse(await docker(['inspect', '--format', '{{json .State}}', container])) as {
          Status: string;
          ExitCode: number;
          Health?: { Status: string };
        };
        if (state.Status === 'exited') {
          throw Object.assign(
            new Error(`${container} exited (${state.ExitCode}):\n${await logsOf(container)}`),
            {
              fatal: true,
            },
          );
        }
        if (state.Health?.Status !== 'healthy')
          throw new Error(`${container} is ${state.Health?.Status ?? 'without a health check'}`);
      },
      { timeout: timeoutMs, interval: 500 },
    )
    .catch(async (error: Error) => {
      throw new Error(
        `${error.message}\n${(error as { fatal?: boolean }).fatal ? '' : await logsOf(container)}`,
      );
    });
}

/** Sends SIGTERM as the kubelet does and waits for the exit; its code and how long it took. */
export async function stopWithSigterm(container: string, graceSeconds: number) {
  const started = Date.now();
  await docker(['kill', '--signal', 'SIGTERM', container]);
  const waited = await run('docker', ['wait', container], { timeoutMs: (graceSeconds + 5) * 1000 });
  const seconds = (Date.now() - started) / 1000;
  if (waited.code !== 0) throw new Error(`${container} still runs ${seconds} s after SIGTERM`);
  return { exitCode: Number(waited.stdout.trim()), seconds, logs: await logsOf(container) };
}

/** The port on 127.0.0.1 that `containerPort` of a running container is published at. */
export async function hostPort(container: string, containerPort: number): Promise<number> {
  const mapping = await docker(['port', container, `${containerPort}/tcp`]);
  const match = /127\.0\.0\.1:(\d+)/.exec(mapping);
  if (!match) throw new Error(`${container}:${containerPort} is not published on 127.0.0.1 (${mapping})`);
  return Number(match[1]);
}

/** The exported file system of an image, as a tar stream, handed to `consume` chunk by chunk. */
async function exportImage(image: string, consume: (chunk: Buffer) => void) {
  const id = await docker(['create', '--label', TEST_LABEL, image]);
  try {
    const exporter = spawn('docker', ['export', id], { env: { ...process.env, ...dockerEnv } });
    exporter.stdout.on('data', consume);
    const [code] = (await once(exporter, 'close')) as [number];
    if (code !== 0) throw new Error(`docker export of ${image} failed (exit ${code})`);
  } finally {
    await run('docker', ['rm', '-f', id]);
  }
}

/** Every path in an image's file system. */
export async function imagePaths(image: string): Promise<string[]> {
  const tar = spawn('tar', ['-t'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let listing = '';
  tar.stdout.setEncoding('utf8').on('data', (text: string) => {
    listing += text;
  });
  await exportImage(image, (chunk) => tar.stdin.write(chunk));
  tar.stdin.end();
  await once(tar, 'close');
  return listing.split('\n').filter(Boolean);
}

/** Which of `needles` occur anywhere in the bytes of an image's files. */
export async function imageContains(image: string, needles: string[]): Promise<string[]> {
  const longest = Math.max(0, ...needles.map((n) => n.length));
  const found = new Set<string>();
  let carry = '';
  await exportImage(image, (chunk) => {
    const text = carry + chunk.toString('latin1');
    for (const needle of needles) if (text.includes(needle)) found.add(needle);
    carry = text.slice(-longest);
  });
  return [...found];
}

/**
 * The certificates this machine trusts beyond those Debian's ca-certificates package ships: here, the CA
 * of the proxy the registries are reached through. Each as the second line of its PEM form: 64 base64
 * characters of its issuer and validity, which any PEM copy of it contains.
 */
export function machineOnlyCertificates(
  bundle = process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt',
) {
  const pemsIn = (text: string) =>
    text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const body = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const packaged = new Set(
    readdirSync(DEBIAN_CERTS, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.crt'))
      .flatMap((f) => pemsIn(readFileSync(join(DEBIAN_CERTS, f), 'utf8')).map(body)),
  );
  return pemsIn(readFileSync(bundle, 'utf8'))
    .map(body)
    .filter((b) => !packaged.has(b))
    .map((b) => b.slice(64, 128));
}

const DEBIAN_CERTS = '/usr/share/ca-certificates';
