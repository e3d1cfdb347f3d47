/**
 * Black-box harness: the real operator process, the real kubectl and flockctl against a real cluster:
 * FLOCK_E2E_KUBECONFIG when set, else the control plane the operator project's global setup started
 * (test/control-plane/), or, for specs that need a cluster of their own (one without the CRDs), a fresh
 * control plane. kubectl runs as the given (administrator) kubeconfig; the operator runs as its own
 * ServiceAccount with exactly the RBAC of operator/deploy, through a fault-injecting proxy
 * (support/api-proxy.ts) that records its requests.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import {
  type ControlPlane,
  prometheusOperatorCrdFiles,
  startControlPlane,
} from '../control-plane/control-plane.ts';
import { ApiProxy } from './api-proxy.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The admin kubeconfig of the control plane the operator project's global setup started. */
    kubeconfig: string;
  }
}

export const OPERATOR_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const NODE = process.execPath;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env: { ...process.env, ...env }, cwd: REPO, timeout: 120_000, maxBuffer: 32 << 20 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

export interface OperatorProcess {
  child: ChildProcess;
  identity: string;
  url: string;
  logs: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
  metrics(): Promise<string>;
}

export interface ClusterOptions {
  namespace?: string;
  /** A control plane of this spec's own, started fresh (no CRDs installed), instead of the shared one. */
  ownControlPlane?: boolean;
}

export class Cluster {
  readonly dir: string;
  /** The administrator's kubeconfig, its context in the spec's namespace: for kubectl and flockctl. */
  readonly kubeconfig: string;
  /** The proxy every operator process reaches the API server through. */
  readonly proxy: ApiProxy;
  readonly operators: OperatorProcess[] = [];
  readonly namespace: string;
  readonly #controlPlane?: ControlPlane;
  readonly #adminToken: string;
  #operatorKubeconfig?: string;

  private constructor(
    dir: string,
    kubeconfig: string,
    namespace: string,
    proxy: ApiProxy,
    adminToken: string,
    controlPlane?: ControlPlane,
  ) {
    this.#adminToken = adminToken;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.namespace = namespace;
    this.proxy = proxy;
    this.#controlPlane = controlPlane;
  }

  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'flock-e2e-'));
    const namespace = options.namespace ?? 'default';
    const controlPlane = options.ownControlPlane ? await startControlPlane() : undefined;
    const admin = controlPlane?.adminKubeconfig ?? (process.env.FLOCK_E2E_KUBECONFIG || inject('kubeconfig'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(admin));
    const set = await run('kubectl', ['config', 'set-context', '--current', `--namespace=${namespace}`], {
      KUBECONFIG: kubeconfig,
    });
    if (set.code !== 0) throw new Error(`cannot set the namespace in ${kubeconfig}: ${set.stderr}`);
    const loaded = new KubeConfig();
    loaded.loadFromFile(kubeconfig);
    const cluster = loaded.getCurrentCluster()!;
    const ca = cluster.caFile
      ? readFileSync(cluster.caFile)
      : cluster.caData
        ? Buffer.from(cluster.caData, 'base64')
        : undefined;
    const proxy = new ApiProxy(cluster.server, ca);
    await proxy.start();
    const adminToken = loaded.getCurrentUser()?.token;
    if (!adminToken) throw new Error(`the kubeconfig ${admin} has no token for its current user`);
    const created = new Cluster(dir, kubeconfig, namespace, proxy, adminToken, controlPlane);
    await created.#applyText(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`);
    return created;
  }

  /**
   * A request as the administrator, through the proxy (no kubectl process in between: for measurements).
   * A JSON body is sent as a merge patch on PATCH, else as JSON.
   */
  async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.proxy.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.#adminToken}`,
        'user-agent': 'flock-e2e',
        ...(body === undefined
          ? {}
          : { 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  get env(): Record<string, string> {
    return { KUBECONFIG: this.kubeconfig };
  }

  kubectl(...args: string[]): Promise<RunResult> {
    return run('kubectl', args, this.env);
  }

  async kubectlOk(...args: string[]): Promise<string> {
    const r = await this.kubectl(...args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  }

  async getJson<T = Record<string, unknown>>(...args: string[]): Promise<T | undefined> {
    const r = await this.kubectl('get', ...args, '-o', 'json');
    if (r.code !== 0) return undefined;
    return JSON.parse(r.stdout) as T;
  }

  flockctl(...args: string[]): Promise<RunResult> {
    return run(NODE, [join(OPERATOR_DIR, 'src/cli/flockctl.ts'), ...args], this.env);
  }

  async #applyText(yaml: string, ...flags: string[]) {
    const file = join(this.dir, `apply-${Date.now()}-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return this.kubectlOk('apply', '--server-side', ...flags, '-f', file);
  }

  /** The BotSwarm CRD and the Prometheus Operator's CRDs (ServiceMonitor, PodMonitor, …), for real. */
  async installCrd(options: { prometheusOperator?: boolean } = {}) {
    await this.kubectlOk('apply', '--server-side', '-f', join(REPO, 'crds/botswarm.yaml'));
    if (options.prometheusOperator !== false) await this.installPrometheusOperatorCrds();
    await this.#established('crd/botswarms.flock.dev');
  }

  /**
   * Until every CRD named is Established. (`kubectl wait --for=condition=Established` right after an
   * apply fails instead of waiting when the server has not yet written the CRD's conditions.)
   */
  async #established(...targets: string[]) {
    await this.eventually(
      `${targets.join(', ')} Established`,
      async () => {
        const out = await this.kubectlOk(
          'get',
          ...targets,
          '-o',
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Established")].status},{end}{.status.conditions[?(@.type=="Established")].status}',
        );
        const statuses = out.split(',').filter(Boolean);
        return statuses.length > 0 && statuses.every((status) => status === 'True');
      },
      30_000,
    );
  }

  /**
   * A `Prometheus` object in this namespace selecting ServiceMonitors and PodMonitors labelled
   * `release: kube-prometheus-stack` (as the examples are) in every namespace. No Prometheus Operator
   * acts on it here: it is what the operator's MonitoringReady check reads.
   */
  async createPrometheus(name = 'k8s') {
    const selector = { matchLabels: { release: 'kube-prometheus-stack' } };
    await this.#applyText(
      stringify({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'Prometheus',
        metadata: { name, namespace: this.namespace },
        spec: {
          serviceMonitorSelector: selector,
          serviceMonitorNamespaceSelector: {},
          podMonitorSelector: selector,
          podMonitorNamespaceSelector: {},
        },
      }),
    );
  }

  async installPrometheusOperatorCrds() {
    // The Prometheus kind first, then the monitors: an operator that sees monitors served can already
    // list the Prometheus objects (which it only re-reads when it looks again).
    const files = prometheusOperatorCrdFiles();
    const [prometheuses, monitors] = [
      files.filter((f) => f.includes('prometheuses')),
      files.filter((f) => !f.includes('prometheuses')),
    ];
    for (const group of [prometheuses, monitors]) {
      const flags = group.flatMap((file) => ['-f', file]);
      await this.kubectlOk('apply', '--server-side', '--force-conflicts', ...flags);
      await this.#established(...flags);
    }
  }

  /**
   * The operator's ServiceAccount and RBAC as operator/deploy ships them, moved into this spec's
   * namespace (the ClusterRole is shared; each namespace binds it under a name of its own), and a
   * kubeconfig that reaches the API server through the proxy with a token issued for that account.
   */
  async operatorKubeconfig(): Promise<string> {
    if (this.#operatorKubeconfig) return this.#operatorKubeconfig;
    const ns = this.namespace;
    const rendered = parseAllDocuments(await this.kubectlOk('kustomize', join(OPERATOR_DIR, 'deploy')));
    const rbac = rendered
      .map((doc) => doc.toJS() as { kind: string; metadata: Record<string, unknown>; subjects?: unknown[] })
      .filter((o) =>
        ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(o.kind),
      )
      .map((o) => {
        if (o.kind === 'ClusterRoleBinding') o.metadata.name = `${o.metadata.name}-${ns}`;
        else if (o.kind !== 'ClusterRole') o.metadata.namespace = ns;
        o.subjects = o.subjects?.map((subject) => ({ ...(subject as object), namespace: ns }));
        return stringify(o);
      });
    await this.#applyText(rbac.join('---\n'), '--force-conflicts');
    const token = (await this.kubectlOk('create', 'token', 'flock-operator', '--duration=24h')).trim();
    const file = join(this.dir, 'operator.kubeconfig');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        // Plain HTTP to the proxy on 127.0.0.1 (it speaks TLS to the real server): client-node accepts
        // an http server only with this flag, which has nothing to verify here.
        clusters: [{ name: 'proxy', cluster: { server: this.proxy.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'flock-operator', user: { token } }],
        contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'flock-operator', namespace: ns } }],
        'current-context': 'proxy',
      }),
      { mode: 0o600 },
    );
    this.#operatorKubeconfig = file;
    return file;
  }

  /** Starts `node operator/src/main.ts`; resolves once it logs that it started. */
  async startOperator(env: Record<string, string> = {}): Promise<OperatorProcess> {
    const identity = env.POD_NAME ?? `op-${this.operators.length + 1}`;
    const kubeconfig = await this.operatorKubeconfig();
    const child = spawn(NODE, [join(OPERATOR_DIR, 'src/main.ts')], {
      env: {
        ...process.env,
        KUBECONFIG: kubeconfig,
        HOST: '127.0.0.1',
        PORT: '0',
        POD_NAME: identity,
        LEASE_NAMESPACE: this.namespace,
        RETRY_PERIOD_SECONDS: '0.5',
        ...env,
      },
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    let url = '';
    const started = new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        logs.push(line);
        if (line.includes('"operator started"')) {
          url = (JSON.parse(line).url as string).replace('0.0.0.0', '127.0.0.1');
          resolve();
        }
      };
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) onLine(l);
      });
      child.stderr!.on('data', (d: Buffer) => logs.push(d.toString()));
      child.on('exit', (code) => reject(new Error(`operator exited early (${code}): ${logs.join('\n')}`)));
    });
    await started;
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const op: OperatorProcess = {
      child,
      identity,
      logs,
      get url() {
        return url;
      },
      async kill(signal: NodeJS.Signals = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
      async metrics() {
        return (await fetch(`${url}/metrics`)).text();
      },
    };
    this.operators.push(op);
    return op;
  }

  /** Polls until `fn` returns a truthy value (or throws after `timeoutMs`). */
  async eventually<T>(
    what: string,
    fn: () => Promise<T | undefined | false> | T | undefined | false,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const v = await fn();
        if (v) return v;
        last = v;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
    );
  }

  /** Writes of one client (by User-Agent prefix), leaving out Lease renewals and Events. */
  writesBy(userAgentPrefix: string) {
    return this.proxy
      .writesBy(userAgentPrefix)
      .filter((w) => !w.path.includes('/leases') && !w.path.endsWith('/events'));
  }

  async stop() {
    await Promise.all(this.operators.map((o) => o.kill()));
    // FLOCK_E2E_LOGS=1 prints what each operator process logged, for a spec that failed.
    if (process.env.FLOCK_E2E_LOGS)
      for (const o of this.operators) console.log(`--- ${o.identity}\n${o.logs.join('\n')}`);
    await this.proxy.stop();
    await this.#controlPlane?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export type Swarm = {
  metadata: { name: string; uid: string; generation: number; resourceVersion: string };
  spec: Record<string, unknown> & { replicas: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    bots?: number;
    selector?: string;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
};

export const condition = (s: Swarm | undefined, type: string) =>
  s?.status?.conditions?.find((c) => c.type === type);
