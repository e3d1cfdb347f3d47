// The four Flock images, built by the global setup from their real Dockerfiles, checked as built (user,
// contents) and run the way the manifests run them: PostgreSQL, the API's migration step and the API,
// the web server in front of it, a bot pod as the operator builds it, and the operator against a real
// Kubernetes control plane (as its ServiceAccount, through the operator tests' proxy), each with the pod's user, a read-only root, dropped capabilities and its
// emptyDirs, on a network of the test's own. Traffic from the test goes to 127.0.0.1 only.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeployment } from '@flock/operator/builders';
import { Cluster } from '@flock/operator/test/cluster';
import type { BotSwarm } from '@flock/shared/botswarm';
import { type KObject, render } from '@flock/testkit/kustomize';
import { freePort } from '@flock/testkit/ports';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { STAND_INS } from '../bases.ts';
import { docker, run } from '../docker.ts';
import { FLOCK_IMAGES, type FlockImage, REPO } from '../images.ts';
import { type PodRunOptions, type PodSpec, podRun } from './pod-run.ts';
import {
  hostPort,
  imageContains,
  imagePaths,
  machineOnlyCertificates,
  stopWithSigterm,
  TEST_LABEL,
  useEngine,
  waitHealthy,
} from './support.ts';

useEngine();
const NAMES = Object.keys(FLOCK_IMAGES) as FlockImage[];
const tagOf = (name: FlockImage) => FLOCK_IMAGES[name].tag;

describe('the images as built', () => {
  it.each(NAMES)('%s runs as a non-root user with a health check', async (name) => {
    const config = JSON.parse(
      await docker(['image', 'inspect', '--format', '{{json .Config}}', tagOf(name)]),
    ) as {
      User: string;
      Healthcheck?: { Test: string[] };
    };
    expect(config.User).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(config.Healthcheck?.Test[0]).toBe('CMD');
    expect(await docker(['run', '--rm', '--entrypoint', 'id', tagOf(name), '-u'])).toBe(
      config.User.split(':')[0],
    );
  });

  it.each(NAMES)('%s holds production dependencies only, and no test code', async (name) => {
    const paths = await imagePaths(tagOf(name));
    // Our own code only: third-party packages may ship their own tests inside node_modules.
    const ours = paths.filter((p) => !p.includes('node_modules/'));
    const devPackages = paths.filter((p) =>
      /node_modules\/(vitest|@vitest|typescript|@biomejs|playwright-core|fast-check|vite|@seriousme|autocannon)\/$/.test(
        p,
      ),
    );
    expect(devPackages).toEqual([]);
    expect(ours.filter((p) => /(^|\/)test\/|\.test\.ts$|testserver/.test(p))).toEqual([]);
    expect(paths.filter((p) => /(^|\/)\.npm\/_cacache\//.test(p))).toEqual([]);

    if (name === 'web') {
      // Only nginx and the built app: no Node, no node_modules, no sources.
      expect(paths.filter((p) => /node_modules|^app\//.test(p))).toEqual([]);
      expect(paths).toContain('usr/share/nginx/html/index.html');
    } else {
      expect(paths).toContain(`app/${name}/src/`);
      expect(paths.some((p) => p.startsWith('app/node_modules/'))).toBe(true);
    }
  });

  it.each(NAMES)(
    "%s holds none of this machine's CA certificates (they serve its build stage only)",
    async (name) => {
      const machineCertificates = machineOnlyCertificates();
      const env = JSON.parse(
        await docker(['image', 'inspect', '--format', '{{json .Config.Env}}', tagOf(name)]),
      ) as string[];
      expect(env.filter((e) => /^(NODE_EXTRA_CA_CERTS|npm_config_cafile|SSL_CERT_FILE)=/i.test(e))).toEqual(
        [],
      );
      expect(await imageContains(tagOf(name), machineCertificates)).toEqual([]);
      // The check can see them: the build stage's image holds them.
      if (machineCertificates.length > 0 && name !== 'web') {
        expect(await imageContains(STAND_INS.nodeBuilder.image, machineCertificates)).toEqual(
          machineCertificates,
        );
      }
    },
  );
});

describe('docs/containers.md', () => {
  // Its table: | `flock/api:dev` | 10001:10001 | 291 MB | 29 s | … |
  const rows = [
    ...readFileSync(join(REPO, 'docs/containers.md'), 'utf8').matchAll(
      /^\| `(flock\/[\w-]+:dev)` \| (\S+) \| (\d+) MB \|/gm,
    ),
  ];
  it.each(NAMES)("gives %s's user, and its size within 10%", async (name) => {
    const row = rows.find((r) => r[1] === tagOf(name));
    expect(row, `no row for ${tagOf(name)}`).toBeDefined();
    const [size, user] = (
      await docker(['image', 'inspect', '--format', '{{.Size}} {{.Config.User}}', tagOf(name)])
    ).split(' ');
    expect(user).toBe(row![2]);
    expect(Math.abs(Number(size) / 1e6 - Number(row![3])) / Number(row![3])).toBeLessThan(0.1);
  });
});

describe('the images run as the manifests run them', () => {
  const runId = randomUUID().slice(0, 8);
  const network = `flock-test-${runId}`;
  const volume = `flock-test-pgdata-${runId}`;
  const containers: string[] = [];
  const grace: Partial<Record<FlockImage, number>> = {};
  let base: KObject[];
  let cluster: Cluster | undefined;
  let kubeDir: string;

  const podOf = (kind: string, name: string): PodSpec => {
    const found = base.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in manifests/base`);
    return found.spec.template.spec as PodSpec;
  };
  const start = async (name: string, args: string[]) => {
    containers.push(name);
    await docker(args);
  };
  /** Runs a container of a pod as the kubelet would, from the image `image`, until its health check passes. */
  const runHealthy = async (
    image: FlockImage,
    options: Omit<PodRunOptions, 'image' | 'name' | 'network' | 'label'> & { network?: string },
  ) => {
    const name = `flock-test-${image}-${runId}`;
    const spec = podRun({ image: tagOf(image), name, network, objects: base, label: TEST_LABEL, ...options });
    grace[image] = spec.gracePeriodSeconds;
    await start(name, spec.args);
    await waitHealthy(name);
    return { name, spec };
  };

  beforeAll(async () => {
    base = await render(join(REPO, 'manifests/base'));
    await docker(['network', 'create', '--label', TEST_LABEL, network]);
    await docker(['volume', 'create', '--label', TEST_LABEL, volume]);
    // PostgreSQL as the StatefulSet runs it (the stand-in in place of postgres:17.6-alpine), ready by its
    // own readiness probe's command.
    const postgres = `flock-test-postgres-${runId}`;
    const pod = podOf('StatefulSet', 'flock-postgres');
    await start(
      postgres,
      podRun({
        pod,
        image: STAND_INS.postgres.image,
        name: postgres,
        network,
        aliases: ['flock-postgres'],
        objects: base,
        claims: { data: volume },
        label: TEST_LABEL,
      }).args,
    );
    const probe = pod.containers[0]!.readinessProbe!.exec!.command;
    await vi.waitFor(async () => docker(['exec', postgres, ...probe]), { timeout: 60_000, interval: 500 });
  }, 120_000);

  afterAll(async () => {
    for (const name of containers.reverse()) await run('docker', ['rm', '-f', name]);
    await run('docker', ['network', 'rm', network]);
    await run('docker', ['volume', 'rm', '-f', volume]);
    await cluster?.stop();
    if (kubeDir) rmSync(kubeDir, { recursive: true, force: true });
  });

  it('api: the migration step completes, then the API turns healthy and ready', async () => {
    const pod = podOf('Deployment', 'flock-api');
    const migrate = `flock-test-migrate-${runId}`;
    await start(
      migrate,
      podRun({
        pod,
        container: 'migrate',
        image: tagOf('api'),
        name: migrate,
        network,
        objects: base,
        label: TEST_LABEL,
      }).args,
    );
    const exit = await run('docker', ['wait', migrate], { timeoutMs: 60_000 });
    const logs = await run('docker', ['logs', migrate]);
    expect(exit.stdout.trim(), logs.stderr).toBe('0');
    expect(JSON.parse(logs.stdout.trim().split('\n').at(-1)!)).toMatchObject({ msg: 'migrations applied' });

    const { name: api, spec } = await runHealthy('api', { pod, container: 'api', aliases: ['flock-api'] });
    expect(spec.user).toBe('10001:10001');
    const ready = await fetch(`http://127.0.0.1:${await hostPort(api, 3000)}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('web: turns healthy, serves the app and proxies /api to the API', async () => {
    const { name: web, spec } = await runHealthy('web', { pod: podOf('Deployment', 'flock-web') });
    expect(spec.user).toBe('101:101');
    const origin = `http://127.0.0.1:${await hostPort(web, 8080)}`;
    const page = await fetch(`${origin}/tags/flock`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<flock-app');
    const api = await fetch(`${origin}/api/messages?limit=1`);
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ items: expect.any(Array) });
  });

  it('bot-agent: a bot pod as the operator builds it turns healthy', async () => {
    const swarm = parse(readFileSync(join(REPO, 'manifests/examples/botswarm.yaml'), 'utf8')) as BotSwarm;
    swarm.metadata = { ...swarm.metadata, namespace: 'flock', uid: randomUUID() };
    const deployment = buildDeployment(swarm);
    const pod = (deployment.spec as { template: { spec: PodSpec } }).template.spec;
    const { name: bots, spec } = await runHealthy('bot-agent', {
      pod,
      fieldRefs: { 'metadata.name': `demo-bots-${runId}`, 'metadata.namespace': 'flock' },
    });
    expect(spec.user).toBe('10001:10001');
    const metrics = await fetch(`http://127.0.0.1:${await hostPort(bots, spec.ports[0]!)}/metrics`);
    expect(await metrics.text()).toContain('flock_bots_active');
  });

  it('operator: turns healthy and ready against a Kubernetes API, as its Deployment runs it, and reconciles a swarm', async () => {
    // The Kubernetes API is reached on 127.0.0.1, so this one container shares the host's network.
    cluster = await Cluster.start({ namespace: 'flock', ownControlPlane: true });
    await cluster.installCrd();
    kubeDir = mkdtempSync(join(tmpdir(), 'flock-test-kube-'));
    chmodSync(kubeDir, 0o755);
    // The container's user reads it; the proxy it names is on the host's 127.0.0.1.
    writeFileSync(join(kubeDir, 'config'), readFileSync(await cluster.operatorKubeconfig()), { mode: 0o644 });
    const deployment = (await render(join(REPO, 'operator/deploy'))).find((o) => o.kind === 'Deployment')!;
    const port = await freePort();
    const { spec } = await runHealthy('operator', {
      pod: deployment.spec.template.spec as PodSpec,
      network: 'host',
      fieldRefs: { 'metadata.name': `flock-operator-${runId}`, 'metadata.namespace': 'flock' },
      extraEnv: { KUBECONFIG: '/var/run/flock-test/config', HOST: '127.0.0.1', PORT: String(port) },
      mounts: [`${kubeDir}:/var/run/flock-test:ro`],
    });
    expect(spec.user).toBe('10001:10001');
    await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200), {
      timeout: 30_000,
      interval: 500,
    });
    await cluster.kubectlOk('apply', '-f', join(REPO, 'operator/examples/demo.yaml'));
    await cluster.kubectlOk('wait', '--for=condition=Ready', 'botswarm/demo', '--timeout=60s');
    expect(await cluster.kubectlOk('get', 'deployment', 'demo-bots', '-o', 'jsonpath={.spec.replicas}')).toBe(
      '3',
    );
  });

  it.each(['operator', 'bot-agent', 'web', 'api'] as FlockImage[])(
    '%s stops cleanly on SIGTERM within its terminationGracePeriodSeconds',
    async (name) => {
      const stopped = await stopWithSigterm(`flock-test-${name}-${runId}`, grace[name]!);
      expect(stopped.exitCode, stopped.logs).toBe(0);
      expect(stopped.seconds).toBeLessThan(grace[name]!);
    },
  );
});
