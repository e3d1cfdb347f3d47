// A real Kubernetes control plane for the operator's tests, on 127.0.0.1 only: etcd, kube-apiserver (RBAC,
// token authentication, service-account keys, the default admission plugins plus
// OwnerReferencesPermissionEnforcement, Pod Security), kube-controller-manager, kube-scheduler, and kwok
// playing the kubelet of made-up nodes so that pods become Running and Ready. The binaries come from
// KUBEBUILDER_ASSETS when it is set (envtest's convention: a folder holding etcd, kube-apiserver, …),
// else from tools/kubernetes and tools/kwok, built once into the cache. Pods and nodes get made-up
// addresses from kwok: nothing here ever connects to them.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '@flock/testkit/ports';
import { buildGoTool } from '@flock/tools/go-tool';

const TOOLS = fileURLToPath(new URL('../../../tools/', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Where each binary is: KUBEBUILDER_ASSETS, or the cached builds of tools/kubernetes and tools/kwok. */
export async function controlPlaneBinaries(log = (line: string) => console.log(line)) {
  const assets = process.env.KUBEBUILDER_ASSETS;
  if (assets) {
    const at = (name: string) => join(assets, name);
    return {
      etcd: at('etcd'),
      apiserver: at('kube-apiserver'),
      controllerManager: at('kube-controller-manager'),
      scheduler: at('kube-scheduler'),
      kwok: at('kwok'),
      kwokStages: kwokStages(),
    };
  }
  const kubernetes = await buildGoTool('kubernetes', log);
  const kwok = await buildGoTool('kwok', log);
  return {
    etcd: join(kubernetes, 'etcd'),
    apiserver: join(kubernetes, 'kube-apiserver'),
    controllerManager: join(kubernetes, 'kube-controller-manager'),
    scheduler: join(kubernetes, 'kube-scheduler'),
    kwok: join(kwok, 'kwok'),
    kwokStages: kwokStages(),
  };
}

/**
 * The stages kwok plays pods and nodes by: kwok's own shipped node stages (Ready, lease heartbeats) and
 * pod completion and deletion, from the module the binary is built from, and our pod stages
 * (kwok-pod-stages.yaml: Ready, and the failures the tests need).
 */
function kwokStages(): string[] {
  const dir = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', 'sigs.k8s.io/kwok'], {
    cwd: join(TOOLS, 'kwok'),
    encoding: 'utf8',
  }).stdout.trim();
  if (!dir) throw new Error('cannot find the kwok module (go list -m sigs.k8s.io/kwok in tools/kwok)');
  const stage = (path: string) => join(dir, 'kustomize/stage', path);
  return [
    stage('node/fast/node-initialize.yaml'),
    stage('node/heartbeat-with-lease/node-heartbeat-with-lease.yaml'),
    stage('pod/fast/pod-complete.yaml'),
    stage('pod/fast/pod-delete.yaml'),
    join(HERE, 'kwok-pod-stages.yaml'),
  ];
}

/** GET over https trusting `caFile` (fetch cannot take a CA of its own), the body, or '' on any error. */
function getText(url: string, caFile: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const request = httpsGet(
      url,
      { ca: readFileSync(caFile), headers: { authorization: `Bearer ${token}` }, timeout: 2000 },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(response.statusCode === 200 ? body : ''));
      },
    );
    request.on('error', () => resolve(''));
    request.on('timeout', () => request.destroy());
  });
}

/**
 * The Prometheus Operator's CRDs for the kinds Flock uses (ServiceMonitor, PodMonitor, PrometheusRule,
 * Prometheus), as its pinned module ships them (tools/prometheus-operator).
 */
export function prometheusOperatorCrdFiles(): string[] {
  // `go mod download`, not `go list -m`: on a machine whose module cache does not hold it yet (a first run,
  // before the operator's build has fetched it), `go list` names no directory.
  const downloaded = spawnSync(
    'go',
    ['mod', 'download', '-json', 'github.com/prometheus-operator/prometheus-operator'],
    { cwd: join(TOOLS, 'prometheus-operator'), encoding: 'utf8' },
  );
  const dir = (JSON.parse(downloaded.stdout || '{}') as { Dir?: string }).Dir;
  if (!dir)
    throw new Error(
      `cannot fetch the Prometheus Operator module (go mod download in tools/prometheus-operator): ${downloaded.stderr}`,
    );
  return ['servicemonitors', 'podmonitors', 'prometheusrules', 'prometheuses'].map((kind) =>
    join(dir, 'example/prometheus-operator-crd', `monitoring.coreos.com_${kind}.yaml`),
  );
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  server: string;
  /** A kubeconfig of the cluster administrator (system:masters). */
  adminKubeconfig: string;
  /** The CA that signed the API server's serving certificate. */
  caFile: string;
  dir: string;
  /**
   * A kubeconfig acting as a ServiceAccount (which must exist), with a token the API server issues for
   * it: its permissions are exactly what RBAC grants it.
   */
  kubeconfigForServiceAccount(namespace: string, name: string): Promise<string>;
  stop(): Promise<void>;
}

interface Component {
  name: string;
  child: ChildProcess;
  log: string;
}

function startComponent(dir: string, name: string, command: string, args: string[]): Component {
  const log = join(dir, `${name}.log`);
  const out = openSync(log, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out] });
  return { name, child, log };
}

function tail(component: Component, lines = 25): string {
  try {
    return readFileSync(component.log, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function waitForComponent(
  what: string,
  component: Component,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (component.child.exitCode !== null) {
      throw new Error(
        `${component.name} exited (${component.child.exitCode}) before ${what}:\n${tail(component)}`,
      );
    }
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(
    `${what}: not within ${timeoutMs / 1000} s; the end of ${component.log}:\n${tail(component)}`,
  );
}

function kubeconfig(server: string, caFile: string, user: string, token: string, namespace = 'default') {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: flock-test\n  cluster:\n    server: ${server}\n    certificate-authority: ${caFile}`,
    'users:',
    `- name: ${user}\n  user:\n    token: ${token}`,
    'contexts:',
    `- name: flock-test\n  context:\n    cluster: flock-test\n    user: ${user}\n    namespace: ${namespace}`,
    'current-context: flock-test',
    '',
  ].join('\n');
}

export async function startControlPlane(
  options: { log?: (line: string) => void /** how many kwok nodes to make (1) */; nodes?: number } = {},
): Promise<ControlPlane> {
  const log = options.log ?? ((line: string) => console.log(line));
  const bin = await controlPlaneBinaries(log);
  const dir = mkdtempSync(join(tmpdir(), 'flock-control-plane-'));
  const components: Component[] = [];
  const stop = async () => {
    for (const component of components.reverse()) {
      if (component.child.exitCode !== null) continue;
      component.child.kill('SIGTERM');
      const exited = new Promise((resolve) => component.child.once('exit', resolve));
      await Promise.race([exited, sleep(10_000)]);
      if (component.child.exitCode === null) component.child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Static tokens (token authentication) of the cluster's own components; anything else authenticates
    // as a ServiceAccount.
    const users: [string, string, string[]][] = [
      ['admin', randomBytes(24).toString('hex'), ['system:masters']],
      ['system:kube-controller-manager', randomBytes(24).toString('hex'), []],
      ['system:kube-scheduler', randomBytes(24).toString('hex'), []],
      ['kwok', randomBytes(24).toString('hex'), ['system:masters']],
    ];
    writeFileSync(
      join(dir, 'tokens.csv'),
      users.map(([user, token, groups]) => `${token},${user},${user},"${groups.join(',')}"`).join('\n'),
    );
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

    const [etcdClient, etcdPeer, apiPort, kwokPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const peerUrl = `http://127.0.0.1:${etcdPeer}`;
    const etcd = startComponent(dir, 'etcd', bin.etcd, [
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      // A test store: losing it on a crash of the machine loses nothing.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    components.push(etcd);
    await waitForComponent('etcd answering', etcd, async () => (await fetch(`${etcdUrl}/health`)).ok);

    const certDir = join(dir, 'apiserver-certs');
    mkdirSync(certDir);
    const apiserver = startComponent(dir, 'kube-apiserver', bin.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      // Made-up Service addresses: allocated, never connected to.
      '--service-cluster-ip-range=10.96.0.0/16',
      '--enable-admission-plugins=OwnerReferencesPermissionEnforcement',
      '--profiling=false',
    ]);
    components.push(apiserver);
    const server = `https://127.0.0.1:${apiPort}`;
    const caFile = join(certDir, 'apiserver.crt');
    const adminToken = users[0]![1];
    await waitForComponent(
      'kube-apiserver ready',
      apiserver,
      async () => (await getText(`${server}/readyz`, caFile, adminToken)) === 'ok',
    );

    const write = (name: string, content: string) => {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    };
    const adminKubeconfig = write('admin.kubeconfig', kubeconfig(server, caFile, 'admin', adminToken));
    const configFor = (index: number) =>
      write(
        `${users[index]![0].replace(/\W/g, '-')}.kubeconfig`,
        kubeconfig(server, caFile, users[index]![0], users[index]![1]),
      );

    components.push(
      startComponent(dir, 'kube-controller-manager', bin.controllerManager, [
        `--kubeconfig=${configFor(1)}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        `--service-account-private-key-file=${join(dir, 'sa.key')}`,
        `--root-ca-file=${caFile}`,
        '--use-service-account-credentials=true',
        '--horizontal-pod-autoscaler-sync-period=2s',
        // Hundreds of swarms at once (the scale run): the default 20 requests/s would be the bottleneck.
        '--kube-api-qps=200',
        '--kube-api-burst=400',
        '--concurrent-deployment-syncs=10',
        '--concurrent-replicaset-syncs=10',
      ]),
      startComponent(dir, 'kube-scheduler', bin.scheduler, [
        `--kubeconfig=${configFor(2)}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        '--kube-api-qps=200',
        '--kube-api-burst=400',
      ]),
      startComponent(dir, 'kwok', bin.kwok, [
        `--kubeconfig=${configFor(3)}`,
        ...bin.kwokStages.map((file) => `--config=${file}`),
        '--manage-all-nodes=false',
        '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
        '--cidr=10.244.0.0/16',
        '--node-ip=10.1.0.1',
        '--node-lease-duration-seconds=40',
        `--server-address=127.0.0.1:${kwokPort}`,
      ]),
    );

    // The nodes kwok plays (its annotation selects them), Ready before anything is scheduled.
    for (let index = 0; index < (options.nodes ?? 1); index += 1) {
      const node = write(
        `node-${index}.yaml`,
        `apiVersion: v1\nkind: Node\nmetadata:\n  name: kwok-node-${index}\n  annotations: { kwok.x-k8s.io/node: fake }\n  labels: { type: kwok, kubernetes.io/hostname: kwok-node-${index} }\n`,
      );
      const created = spawnSync('kubectl', ['--kubeconfig', adminKubeconfig, 'apply', '-f', node], {
        encoding: 'utf8',
      });
      if (created.status !== 0) throw new Error(`cannot create kwok-node-${index}: ${created.stderr}`);
    }
    const nodesReady = spawnSync(
      'kubectl',
      ['--kubeconfig', adminKubeconfig, 'wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=60s'],
      { encoding: 'utf8' },
    );
    if (nodesReady.status !== 0) throw new Error(`the kwok nodes did not turn Ready: ${nodesReady.stderr}`);

    return {
      server,
      adminKubeconfig,
      caFile,
      dir,
      async kubeconfigForServiceAccount(namespace: string, name: string) {
        const issued = spawnSync(
          'kubectl',
          ['--kubeconfig', adminKubeconfig, '-n', namespace, 'create', 'token', name, '--duration=24h'],
          {
            encoding: 'utf8',
          },
        );
        if (issued.status !== 0)
          throw new Error(`kubectl create token ${namespace}/${name} failed: ${issued.stderr}`);
        const user = `system:serviceaccount:${namespace}:${name}`;
        return write(
          `sa-${namespace}-${name}.kubeconfig`,
          kubeconfig(server, caFile, user, issued.stdout.trim(), namespace),
        );
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
