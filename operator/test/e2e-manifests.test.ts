/**
 * Black-box: the kustomize manifests (manifests/) applied by the real kubectl to a real API server, on a
 * control plane of this spec's own, since the spec decides which CRDs exist. Without the Prometheus
 * Operator's CRDs the dev overlay is accepted and production refused; with them both are; the dev overlay
 * and the examples are applied for real while the HPA controller sizes what they leave unsized, re-applied
 * as no-ops, and `kubectl delete -k` leaves the BotSwarm CRD, and the swarms of other namespaces, alone.
 * Steps run in order and share the cluster, as an operator of the cluster would.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@flock/testkit/waiting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import {
  type ControlPlane,
  prometheusOperatorCrdFiles,
  startControlPlane,
} from './control-plane/control-plane.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DEV = 'manifests/overlays/dev';
const PRODUCTION = 'manifests/overlays/production';
const EXAMPLES = 'manifests/examples';
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
]);

type KObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    managedFields?: { manager: string; operation: string; time: string; fieldsV1?: FieldsV1 }[];
  };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are walked generically
  spec?: any;
};
type FieldsV1 = { [field: string]: FieldsV1 };
interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let plane: ControlPlane;

function kubectl(args: string[], input?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      args,
      {
        cwd: REPO,
        // Discovery cached per control plane: a cache of an earlier run's server must not answer.
        env: {
          ...process.env,
          KUBECONFIG: plane.adminKubeconfig,
          KUBECACHEDIR: join(plane.dir, 'kube-cache'),
        },
        timeout: 120_000,
        maxBuffer: 32 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function kubectlOk(...args: string[]): Promise<string> {
  const result = await kubectl(args);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

async function render(dir: string): Promise<KObject[]> {
  return parseAllDocuments(await kubectlOk('kustomize', dir))
    .map((doc) => doc.toJS() as KObject | null)
    .filter((o): o is KObject => o !== null);
}

async function getJson<T = KObject>(...args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk('get', ...args, '-o', 'json', '--show-managed-fields')) as T;
}

/** How kubectl names a kind in its output: `deployment.apps`, `configmap`. */
function kindOf(o: KObject): string {
  const group = o.apiVersion.includes('/') ? `.${o.apiVersion.split('/')[0]}` : '';
  return `${o.kind.toLowerCase()}${group}`;
}
const ref = (o: KObject) => `${kindOf(o)}/${o.metadata.name}`;

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const sorted = (items: string[]) => [...items].sort();

// The controllers (HPA, Deployment, kwok's pods) act within a minute.
const CONTROLLERS = { timeoutMs: 60_000, intervalMs: 500 };

const replicasOf = async (kind: string, name: string) =>
  (await getJson('-n', 'flock', kind, name)).spec.replicas as number;

/** The HPA controller's rescale events for one HPA. */
async function rescales(hpa: string): Promise<string[]> {
  const events = await getJson<{ items: { message: string }[] }>(
    '-n',
    'flock',
    'events',
    '--field-selector',
    `involvedObject.kind=HorizontalPodAutoscaler,involvedObject.name=${hpa},reason=SuccessfulRescale`,
  );
  return events.items.map((e) => e.message);
}

/** What a no-op apply leaves as it was: the spec's generation and the time of kubectl's apply. */
async function applyState(dir: string): Promise<Record<string, string>> {
  const list = await getJson<{ items: KObject[] }>('-k', dir);
  return Object.fromEntries(
    list.items.map((o) => {
      const applied = o.metadata.managedFields?.find(
        (f) => f.manager === 'kubectl' && f.operation === 'Apply',
      );
      return [`${o.kind}/${o.metadata.name}`, `generation ${o.metadata.generation} applied ${applied?.time}`];
    }),
  );
}

beforeAll(async () => {
  plane = await startControlPlane({ log: () => {} });
}, 120_000);

afterAll(async () => {
  await plane?.stop();
});

describe('the manifests on a real API server', () => {
  let dev: KObject[];
  let production: KObject[];

  it('the BotSwarm CRD installs on its own, first', async () => {
    dev = await render(DEV);
    production = await render(PRODUCTION);
    expect(await kubectlOk('apply', '--server-side', '-k', 'crds')).toBe(
      'customresourcedefinition.apiextensions.k8s.io/botswarms.flock.dev serverside-applied\n',
    );
    await kubectlOk('wait', '--for=condition=Established', 'crd/botswarms.flock.dev', '--timeout=30s');
  });

  it('a server-side dry run before the namespace exists refuses every namespaced object', async () => {
    // A dry run creates nothing, the Namespace included; a real apply creates it first (kustomize orders
    // it first), so only a dry run needs it beforehand.
    const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', DEV]);
    expect(result.code).toBe(1);
    const namespaced = dev.filter((o) => !CLUSTER_SCOPED.has(o.kind));
    expect(lines(result.stderr)).toEqual(
      namespaced.map(() => 'Error from server (NotFound): namespaces "flock" not found'),
    );
    expect(sorted(lines(result.stdout))).toEqual(
      sorted(
        dev
          .filter((o) => CLUSTER_SCOPED.has(o.kind))
          .map((o) => `${ref(o)} serverside-applied (server dry run)`),
      ),
    );
    expect(await kubectlOk('apply', '--server-side', '-f', 'manifests/base/namespace.yaml')).toBe(
      'namespace/flock serverside-applied\n',
    );
  });

  describe('without the Prometheus Operator CRDs', () => {
    it('the dev overlay is accepted, every pod template within Pod Security "restricted"', async () => {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', DEV]);
      // No warning either: the namespace warns on workloads whose pods "restricted" would refuse.
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual(dev.map((o) => `${ref(o)} serverside-applied (server dry run)`));
      expect(dev.some((o) => o.apiVersion.startsWith('monitoring.coreos.com/'))).toBe(false);

      // The warning check is not vacuous: PostgreSQL allowed to run as root is warned about.
      const rootPostgres = structuredClone(dev.find((o) => o.kind === 'StatefulSet')!);
      rootPostgres.spec.template.spec.securityContext.runAsNonRoot = false;
      rootPostgres.spec.template.spec.containers[0].securityContext.runAsNonRoot = false;
      const warned = await kubectl(
        ['apply', '--server-side', '--dry-run=server', '-f', '-'],
        stringify(rootPostgres),
      );
      expect(warned.stderr).toBe(
        'Warning: would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod and container "postgres" must not set securityContext.runAsNonRoot=false)\n',
      );
    });

    it('the production overlay is refused: no matches for the monitoring kinds (the rest would apply)', async () => {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', PRODUCTION]);
      expect(result.code).toBe(1);
      const monitoring = production.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com/'));
      expect(sorted(monitoring.map((o) => `${o.kind}/${o.metadata.name}`))).toEqual([
        'PrometheusRule/flock',
        'ServiceMonitor/flock-api',
        'ServiceMonitor/flock-operator',
      ]);
      // kubectl maps each kind through the server's discovery, which serves no monitoring.coreos.com.
      expect(sorted(result.stderr.split(/\n(?=resource mapping)/).map((e) => e.trim()))).toEqual(
        sorted(
          monitoring.map(
            (o) =>
              `resource mapping not found for name: "${o.metadata.name}" namespace: "flock" from "${PRODUCTION}": ` +
              `no matches for kind "${o.kind}" in version "monitoring.coreos.com/v1"\nensure CRDs are installed first`,
          ),
        ),
      );
      // Everything else goes through: a real apply would leave all but the monitoring objects applied.
      expect(sorted(lines(result.stdout))).toEqual(
        sorted(
          production
            .filter((o) => !monitoring.includes(o))
            .map((o) => `${ref(o)} serverside-applied (server dry run)`),
        ),
      );
    });
  });

  describe('with the Prometheus Operator CRDs', () => {
    beforeAll(async () => {
      // Server-side: these CRDs are too large for client-side apply's last-applied annotation.
      for (const file of prometheusOperatorCrdFiles()) await kubectlOk('apply', '--server-side', '-f', file);
      await kubectlOk('wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s');
    }, 120_000);

    it.each([
      [DEV, () => dev],
      [PRODUCTION, () => production],
    ])('%s is accepted by a server-side dry run', async (dir, objects) => {
      const result = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', dir]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual(
        objects().map((o) => `${ref(o)} serverside-applied (server dry run)`),
      );
    });

    it('the dev overlay applies for real; the HPA raises the API to its minReplicas; every pod is admitted', async () => {
      const result = await kubectl(['apply', '--server-side', '-k', DEV]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual(dev.map((o) => `${ref(o)} serverside-applied`));

      // The Deployment carries no replicas: created with 1, the HPA controller sets its minimum.
      const hpa = dev.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'flock-api')!;
      expect(hpa.spec.minReplicas).toBe(2);
      await waitFor(
        'flock-api at 2 replicas',
        async () => ((await replicasOf('deployment', 'flock-api')) === 2 ? true : undefined),
        CONTROLLERS,
      );
      expect(await rescales('flock-api')).toEqual([
        'New size: 2; reason: Current number of replicas below Spec.MinReplicas',
      ]);
      const api = await getJson('-n', 'flock', 'deployment', 'flock-api');
      const applied = api.metadata.managedFields!.find(
        (f) => f.manager === 'kubectl' && f.operation === 'Apply',
      )!;
      expect(Object.keys(applied.fieldsV1!['f:spec']!)).not.toContain('f:replicas');

      // Pod Security "restricted" is enforced on pods, which the controllers create: every Deployment's
      // pods exist and are Ready (kwok plays them), and PostgreSQL's pod exists (Pending: nothing here
      // provisions its volume).
      for (const name of ['flock-api', 'flock-web', 'flock-operator'])
        await waitFor(
          `deployment ${name} ready`,
          async () => {
            const d = await getJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>(
              '-n',
              'flock',
              'deployment',
              name,
            );
            return d.status.readyReplicas === d.spec.replicas ? true : undefined;
          },
          CONTROLLERS,
        );
      const postgres = await waitFor(
        'pod flock-postgres-0',
        () => getJson<{ metadata: { name: string } }>('-n', 'flock', 'pod', 'flock-postgres-0'),
        CONTROLLERS,
      );
      expect(postgres.metadata.name).toBe('flock-postgres-0');
    }, 120_000);

    it('a second server-side apply of the dev overlay changes nothing', async () => {
      const before = await applyState(DEV);
      expect(Object.keys(before)).toHaveLength(dev.length);
      // Apply times have a resolution of one second: a write now would show.
      await sleep(1100);
      const result = await kubectl(['apply', '--server-side', '-k', DEV]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // kubectl says "serverside-applied" whether or not anything changed; the server's state says it did not.
      expect(lines(result.stdout)).toEqual(dev.map((o) => `${ref(o)} serverside-applied`));
      expect(await applyState(DEV)).toEqual(before);
      expect(await replicasOf('deployment', 'flock-api')).toBe(2);
    });

    it('the HPA scaling the API survives a re-apply; a manifest stating replicas would take them back', async () => {
      // The HPA raising the API (here: a higher minimum, as there are no CPU metrics without metrics-server).
      await kubectlOk(
        '-n',
        'flock',
        'patch',
        'hpa',
        'flock-api',
        '--type=merge',
        '-p',
        '{"spec":{"minReplicas":3}}',
      );
      await waitFor(
        'flock-api at 3 replicas',
        async () => ((await replicasOf('deployment', 'flock-api')) === 3 ? true : undefined),
        CONTROLLERS,
      );
      const deployment = dev.find((o) => o.kind === 'Deployment' && o.metadata.name === 'flock-api')!;
      const generation = (await getJson('-n', 'flock', 'deployment', 'flock-api')).metadata.generation;
      expect(await kubectl(['apply', '--server-side', '-f', '-'], stringify(deployment))).toEqual({
        code: 0,
        stdout: 'deployment.apps/flock-api serverside-applied\n',
        stderr: '',
      });
      const after = await getJson('-n', 'flock', 'deployment', 'flock-api');
      expect(after.spec.replicas).toBe(3);
      expect(after.metadata.generation).toBe(generation);

      // With replicas: 2 in the manifest, as it once had, the apply would set 2 again (the HPA's scale
      // updates own nothing on an object whose replicas no manager owned), and the HPA would raise it back.
      const stated = structuredClone(deployment);
      stated.spec.replicas = 2;
      const undone = await kubectl(
        ['apply', '--server-side', '--dry-run=server', '-o', 'jsonpath={.spec.replicas}', '-f', '-'],
        stringify(stated),
      );
      expect(undone).toEqual({ code: 0, stdout: '2', stderr: '' });
    });

    it('the examples apply; the HPA sizes the swarm through /scale; a re-apply changes nothing', async () => {
      const examples = await render(EXAMPLES);
      const dryRun = await kubectl(['apply', '--server-side', '--dry-run=server', '-k', EXAMPLES]);
      expect(dryRun).toEqual({
        code: 0,
        stdout: examples.map((o) => `${ref(o)} serverside-applied (server dry run)\n`).join(''),
        stderr: '',
      });
      expect(await kubectlOk('apply', '--server-side', '-k', EXAMPLES)).toBe(
        examples.map((o) => `${ref(o)} serverside-applied\n`).join(''),
      );
      // The swarm states no replicas: the CRD's default (1), then the HPA's minimum (2).
      await waitFor(
        'botswarm demo at 2 replicas',
        async () => ((await replicasOf('botswarm', 'demo')) === 2 ? true : undefined),
        CONTROLLERS,
      );
      expect(await rescales('demo-bots')).toEqual([
        'New size: 2; reason: Current number of replicas below Spec.MinReplicas',
      ]);
      const before = await applyState(EXAMPLES);
      await sleep(1100);
      expect(await kubectlOk('apply', '--server-side', '-k', EXAMPLES)).toBe(
        examples.map((o) => `${ref(o)} serverside-applied\n`).join(''),
      );
      expect(await applyState(EXAMPLES)).toEqual(before);
      expect(await replicasOf('botswarm', 'demo')).toBe(2);
    });

    it('kubectl delete -k of the dev overlay leaves the CRD and the swarms of other namespaces', async () => {
      await kubectlOk('create', 'namespace', 'elsewhere');
      const swarm = (await render(EXAMPLES)).find((o) => o.kind === 'BotSwarm')!;
      swarm.metadata.namespace = 'elsewhere';
      expect((await kubectl(['apply', '--server-side', '-f', '-'], stringify(swarm))).stdout).toBe(
        'botswarm.flock.dev/demo serverside-applied\n',
      );

      const result = await kubectl(['delete', '-k', DEV]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(lines(result.stdout)).toEqual(dev.map((o) => `${kindOf(o)} "${o.metadata.name}" deleted`));
      expect(await kubectlOk('get', 'crd', 'botswarms.flock.dev', '-o', 'name')).toBe(
        'customresourcedefinition.apiextensions.k8s.io/botswarms.flock.dev\n',
      );
      expect(await kubectlOk('get', 'botswarms', '-A', '-o', 'name')).toBe('botswarm.flock.dev/demo\n');
      expect((await getJson('-n', 'elsewhere', 'botswarm', 'demo')).spec.replicas).toBe(1);
      const gone = await kubectl(['get', 'namespace', 'flock']);
      expect(gone.stderr).toBe('Error from server (NotFound): namespaces "flock" not found\n');
    }, 120_000);
  });
});
