/**
 * Black-box harness: the real operator process, the real kubectl and flockctl against a cluster.
 * The cluster is a real one: FLOCK_E2E_KUBECONFIG when set, else the control plane the operator
 * project's global setup started (test/control-plane/). Specs that still need the in-repo test API
 * server's helpers (fault injection, request logs, a cluster without the CRD) ask for it with
 * `testServer: true`; elsewhere `server` is undefined.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { TestApiServer, type TestApiServerOptions } from '../../src/testserver/server.ts';
import { prometheusOperatorCrdFiles } from '../control-plane/control-plane.ts';

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

export class Cluster {
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server?: TestApiServer;
  readonly operators: OperatorProcess[] = [];
  readonly namespace: string;

  private constructor(dir: string, kubeconfig: string, namespace: string, server?: TestApiServer) {
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.server = server;
    this.namespace = namespace;
  }

  static async start(
    options: TestApiServerOptions & { namespace?: string; testServer?: boolean } = {},
  ): Promise<Cluster> {
    const dir = mkdtempSync(join(tmpdir(), 'flock-e2e-'));
    const namespace = options.namespace ?? 'default';
    const external = options.testServer
      ? undefined
      : process.env.FLOCK_E2E_KUBECONFIG || inject('kubeconfig');
    if (external) {
      // A copy whose context is the test's namespace, as the test server's kubeconfig is.
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, readFileSync(external));
      const set = await run('kubectl', ['config', 'set-context', '--current', `--namespace=${namespace}`], {
        KUBECONFIG: kubeconfig,
      });
      if (set.code !== 0) throw new Error(`cannot set the namespace in ${kubeconfig}: ${set.stderr}`);
      return new Cluster(dir, kubeconfig, namespace);
    }
    const { testServer: _, ...serverOptions } = options;
    const server = new TestApiServer({ ...serverOptions, namespaces: ['default', 'kube-system', namespace] });
    await server.start();
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, server.kubeconfig(namespace));
    return new Cluster(dir, kubeconfig, namespace, server);
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

  async installCrd() {
    // The test namespace (the test server creates it up front; a real cluster may not have it).
    const ns = join(this.dir, 'namespace.yaml');
    writeFileSync(ns, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${this.namespace}\n`);
    await this.kubectlOk('apply', '-f', ns);
    await this.kubectlOk('apply', '-f', join(REPO, 'crds/botswarm.yaml'));
    // A real cluster gets the Prometheus Operator's own CRDs, which the test server has built in.
    if (!this.server) {
      const files = prometheusOperatorCrdFiles().flatMap((file) => ['-f', file]);
      await this.kubectlOk('apply', '--server-side', '--force-conflicts', ...files);
    }
    await this.kubectlOk('wait', '--for=condition=Established', 'crd/botswarms.flock.dev', '--timeout=30s');
  }

  /** Starts `node operator/src/main.ts`; resolves once it logs that it started. */
  async startOperator(env: Record<string, string> = {}): Promise<OperatorProcess> {
    const identity = env.POD_NAME ?? `op-${this.operators.length + 1}`;
    const child = spawn(NODE, [join(OPERATOR_DIR, 'src/main.ts')], {
      env: {
        ...process.env,
        ...this.env,
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
    return (this.server?.writes ?? []).filter(
      (w) =>
        w.userAgent.startsWith(userAgentPrefix) && !w.path.includes('/leases') && !w.path.endsWith('/events'),
    );
  }

  async stop() {
    await Promise.all(this.operators.map((o) => o.kill()));
    await this.server?.stop();
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
