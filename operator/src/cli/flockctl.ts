#!/usr/bin/env node
/**
 * flockctl: list, inspect, create, scale, suspend, resume and delete BotSwarms.
 *
 * Exit codes: 0 ok · 1 error from the API · 2 bad usage · 3 not found · 4 cluster unreachable or
 * kubeconfig unusable · 5 timed out waiting · 6 rejected as invalid (422) · 7 swarm failed (invalid spec).
 */
import { readFileSync } from 'node:fs';
import {
  BOTSWARM_API_VERSION,
  type BotSwarm,
  type BotSwarmStatus,
  resolveSpec,
} from '@flock/shared/botswarm';
import { KubeConfig } from '@kubernetes/client-node';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { KubeClient } from '../client.ts';
import { ApiError, type KObject } from '../kube.ts';

export const EXIT = {
  ok: 0,
  api: 1,
  usage: 2,
  notFound: 3,
  unreachable: 4,
  timeout: 5,
  invalid: 6,
  failed: 7,
} as const;

class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

interface GlobalOpts {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: 'table' | 'json' | 'yaml';
}

interface WaitOpts {
  wait?: boolean;
  timeout: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function duration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a duration such as 90s, 2m or 500ms');
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n');
}

const cond = (s: BotSwarm, type: string) => (s.status?.conditions ?? []).find((c) => c.type === type);

function row(s: BotSwarm, withNamespace: boolean): string[] {
  const r = [
    s.metadata.name ?? '',
    String(s.spec.replicas ?? 1),
    String(s.status?.readyReplicas ?? 0),
    String(s.status?.bots ?? 0),
    cond(s, 'Ready')?.reason ?? '',
    age(s.metadata.creationTimestamp),
  ];
  return withNamespace ? [s.metadata.namespace ?? '', ...r] : r;
}
const HEADER = ['NAME', 'DESIRED', 'READY', 'BOTS', 'STATUS', 'AGE'];

/** What each bot does, with the schema's defaults filled in (a rate the spec leaves out is shown at its default). */
function behaviorLine(s: BotSwarm): string {
  const b = resolveSpec(s.spec).behavior;
  const rates = `posts ${b.postsPerHour}, likes ${b.likesPerHour}, follows ${b.followsPerHour}, replies ${b.repliesPerHour}`;
  const tags = b.tagPool.length > 0 ? b.tagPool.join(',') : '(none)';
  return `Rates per bot per hour: ${rates} (jitter ±${b.jitterPercent}%)\nTags: ${tags}`;
}

export class Flockctl {
  readonly #out: (s: string) => void;
  readonly #err: (s: string) => void;
  #client?: KubeClient;
  #namespace = 'default';
  #opts!: GlobalOpts;

  constructor(
    out: (s: string) => void = (s) => process.stdout.write(s),
    err: (s: string) => void = (s) => process.stderr.write(s),
  ) {
    this.#out = out;
    this.#err = err;
  }

  #connect(opts: GlobalOpts) {
    this.#opts = opts;
    const kc = new KubeConfig();
    try {
      if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
      else kc.loadFromDefault();
    } catch (e) {
      throw new CliError(
        `cannot load kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${(e as Error).message}`,
        EXIT.unreachable,
      );
    }
    if (opts.context) {
      if (!kc.getContexts().some((c) => c.name === opts.context)) {
        throw new CliError(`context "${opts.context}" does not exist in the kubeconfig`, EXIT.unreachable);
      }
      kc.setCurrentContext(opts.context);
    }
    if (!kc.getCurrentCluster())
      throw new CliError(
        'the kubeconfig has no current cluster: set a context or pass --kubeconfig',
        EXIT.unreachable,
      );
    this.#namespace = opts.namespace || kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
    this.#client = new KubeClient(kc, { userAgent: 'flockctl', fieldManager: 'flockctl', timeoutMs: 15_000 });
  }

  get #c(): KubeClient {
    return this.#client!;
  }

  #apiError(e: unknown, name?: string): never {
    if (e instanceof CliError) throw e;
    if (e instanceof ApiError) {
      if (e.code === 0) throw new CliError(e.message, EXIT.unreachable);
      if (e.code === 404) {
        if (name)
          throw new CliError(`botswarm "${name}" not found in namespace "${this.#namespace}"`, EXIT.notFound);
        throw new CliError(
          `${e.message} (is the BotSwarm CRD installed? kubectl apply -f crds/botswarm.yaml)`,
          EXIT.notFound,
        );
      }
      if (e.code === 422) throw new CliError(e.message, EXIT.invalid);
      if (e.code === 401 || e.code === 403) throw new CliError(`not allowed: ${e.message}`, EXIT.api);
      throw new CliError(e.message, EXIT.api);
    }
    throw e;
  }

  async #get(name: string): Promise<BotSwarm> {
    try {
      const s = await this.#c.get('BotSwarm', this.#namespace, name);
      if (!s)
        throw new CliError(`botswarm "${name}" not found in namespace "${this.#namespace}"`, EXIT.notFound);
      return s as unknown as BotSwarm;
    } catch (e) {
      this.#apiError(e, name);
    }
  }

  #print(objs: BotSwarm[] | BotSwarm, allNamespaces = false) {
    const o = this.#opts.output;
    if (o === 'json') {
      this.#out(
        `${JSON.stringify(Array.isArray(objs) ? { apiVersion: 'v1', kind: 'List', items: objs } : objs, null, 2)}\n`,
      );
    } else if (o === 'yaml') {
      this.#out(toYaml(Array.isArray(objs) ? { apiVersion: 'v1', kind: 'List', items: objs } : objs));
    } else {
      const list = Array.isArray(objs) ? objs : [objs];
      if (list.length === 0) {
        this.#err(
          `No botswarms found in ${allNamespaces ? 'any namespace' : `namespace "${this.#namespace}"`}.\n`,
        );
        return;
      }
      this.#out(
        `${table([allNamespaces ? ['NAMESPACE', ...HEADER] : HEADER, ...list.map((s) => row(s, allNamespaces))])}\n`,
      );
    }
  }

  async list(allNamespaces: boolean) {
    try {
      const { items } = await this.#c.list('BotSwarm', allNamespaces ? undefined : this.#namespace);
      this.#print(items as unknown as BotSwarm[], allNamespaces);
    } catch (e) {
      this.#apiError(e);
    }
  }

  async get(name: string) {
    const s = await this.#get(name);
    if (this.#opts.output !== 'table') return this.#print(s);
    this.#print(s);
    this.#out(`\n${behaviorLine(s)}\n`);
    const st = s.status ?? ({} as BotSwarmStatus);
    this.#out(`\nConditions:\n`);
    this.#out(
      `${table([
        ['TYPE', 'STATUS', 'REASON', 'MESSAGE'],
        ...(st.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]),
      ])}\n`,
    );
    if (st.children)
      this.#out(
        `\nChildren: ${Object.entries(st.children)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}\n`,
      );
  }

  async create(file: string, w: WaitOpts) {
    let text: string;
    try {
      text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as Error).message}`, EXIT.usage);
    }
    let obj: KObject;
    try {
      obj = parseYaml(text) as KObject;
    } catch (e) {
      throw new CliError(`${file} is not valid YAML: ${(e as Error).message}`, EXIT.usage);
    }
    if (obj?.apiVersion !== BOTSWARM_API_VERSION || obj.kind !== 'BotSwarm') {
      throw new CliError(
        `${file} must contain a ${BOTSWARM_API_VERSION} BotSwarm (found ${obj?.apiVersion ?? '?'} ${obj?.kind ?? '?'})`,
        EXIT.usage,
      );
    }
    obj.metadata ??= { name: '' };
    if (this.#opts.namespace || !obj.metadata.namespace) obj.metadata.namespace = this.#namespace;
    this.#namespace = obj.metadata.namespace!;
    try {
      await this.#c.create(obj);
    } catch (e) {
      if (e instanceof ApiError && e.code === 409)
        throw new CliError(
          `botswarm "${obj.metadata.name}" already exists in namespace "${this.#namespace}"`,
          EXIT.api,
        );
      this.#apiError(e);
    }
    this.#err(`botswarm.flock.dev/${obj.metadata.name} created\n`);
    if (w.wait) await this.#waitReady(obj.metadata.name, w.timeout);
  }

  async #hpaWarning(name: string) {
    try {
      const { items } = await this.#c.list('HorizontalPodAutoscaler', this.#namespace);
      for (const h of items) {
        const ref = (
          h.spec as { scaleTargetRef?: { kind?: string; name?: string; apiVersion?: string } } | undefined
        )?.scaleTargetRef;
        if (ref?.kind === 'BotSwarm' && ref.name === name) {
          this.#err(
            `warning: HorizontalPodAutoscaler "${h.metadata.name}" targets botswarm "${name}"; it will override a manual scale (delete or edit the HPA to keep this size)\n`,
          );
        }
      }
    } catch {
      // No HPA API or no permission to list HPAs: nothing to warn about.
    }
  }

  async scale(name: string, opts: { replicas?: number; bots?: number } & WaitOpts) {
    if ((opts.replicas === undefined) === (opts.bots === undefined))
      throw new CliError('give exactly one of --replicas N or --bots N', EXIT.usage);
    const swarm = await this.#get(name);
    const spec = resolveSpec(swarm.spec);
    let replicas = opts.replicas!;
    if (opts.bots !== undefined) {
      replicas = Math.ceil(opts.bots / spec.botsPerPod);
      const note = replicas * spec.botsPerPod === opts.bots ? '' : ` (rounded up from ${opts.bots} bots)`;
      this.#err(
        `${opts.bots} bots at ${spec.botsPerPod} per pod: ${replicas} pods, ${replicas * spec.botsPerPod} bots${note}\n`,
      );
    }
    if (replicas > spec.maxReplicas) {
      throw new CliError(
        `cannot scale botswarm "${name}" to ${replicas} pods: spec.maxReplicas is ${spec.maxReplicas}`,
        EXIT.invalid,
      );
    }
    await this.#hpaWarning(name);
    try {
      // Through the scale subresource, as kubectl scale and HPAs do.
      await this.#c.mergePatch('BotSwarm', this.#namespace, name, { spec: { replicas } }, 'scale');
    } catch (e) {
      this.#apiError(e, name);
    }
    this.#err(`botswarm.flock.dev/${name} scaled to ${replicas} pods\n`);
    if (opts.wait) await this.#waitReady(name, opts.timeout);
  }

  async suspend(name: string, suspend: boolean, w: WaitOpts) {
    await this.#get(name);
    try {
      await this.#c.mergePatch('BotSwarm', this.#namespace, name, { spec: { suspend } });
    } catch (e) {
      this.#apiError(e, name);
    }
    this.#err(`botswarm.flock.dev/${name} ${suspend ? 'suspended' : 'resumed'}\n`);
    if (w.wait) {
      if (suspend)
        await this.#waitFor(
          name,
          w.timeout,
          (s) => cond(s, 'Ready')?.reason === 'Suspended' && (s.status?.replicas ?? 0) === 0,
          'suspended',
        );
      else await this.#waitReady(name, w.timeout);
    }
  }

  async delete(name: string, w: WaitOpts) {
    try {
      const existing = await this.#c.get('BotSwarm', this.#namespace, name);
      if (!existing)
        throw new CliError(`botswarm "${name}" not found in namespace "${this.#namespace}"`, EXIT.notFound);
      await this.#c.delete('BotSwarm', this.#namespace, name);
    } catch (e) {
      this.#apiError(e, name);
    }
    this.#err(`botswarm.flock.dev/${name} deleted\n`);
    if (w.wait) {
      const deadline = Date.now() + w.timeout;
      while (await this.#c.get('BotSwarm', this.#namespace, name)) {
        if (Date.now() > deadline)
          throw new CliError(`timed out waiting for botswarm "${name}" to be deleted`, EXIT.timeout);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  #waitReady(name: string, timeoutMs: number) {
    return this.#waitFor(
      name,
      timeoutMs,
      (s) =>
        (s.status?.observedGeneration ?? 0) >= (s.metadata.generation ?? 0) &&
        cond(s, 'Ready')?.status === 'True',
      'Ready',
    );
  }

  /** Polls the swarm, showing ready pods out of desired, until `done` or the timeout. */
  async #waitFor(name: string, timeoutMs: number, done: (s: BotSwarm) => boolean, what: string) {
    const started = Date.now();
    const tty = Boolean(process.stderr.isTTY);
    const bar = new SingleBar(
      {
        format: `botswarm/${name} [{bar}] {value}/{total} pods ready | {bots} bots | {reason}`,
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 1000,
        hideCursor: tty,
        clearOnComplete: false,
      },
      { barCompleteChar: '#', barIncompleteChar: '-', barsize: 20 } as never,
    );
    let last = '';
    let s = await this.#get(name);
    const show = (sw: BotSwarm) => {
      const desired = sw.spec.suspend ? 0 : (sw.spec.replicas ?? 1);
      const ready = sw.status?.readyReplicas ?? 0;
      const reason = cond(sw, 'Ready')?.reason ?? 'Pending';
      const payload = { bots: sw.status?.bots ?? 0, reason };
      if (!tty) {
        const line = `botswarm/${name}: ${ready}/${desired} pods ready, ${payload.bots} bots, ${reason}\n`;
        if (line !== last) this.#err(line);
        last = line;
      } else {
        bar.setTotal(desired);
        bar.update(ready, payload);
      }
    };
    if (tty) bar.start(s.spec.replicas ?? 1, 0, { bots: 0, reason: 'Pending' });
    try {
      while (true) {
        show(s);
        if (done(s)) break;
        if (cond(s, 'Ready')?.reason === 'InvalidSpec')
          throw new CliError(
            `botswarm "${name}" has an invalid spec: ${cond(s, 'Ready')?.message}`,
            EXIT.failed,
          );
        if (Date.now() - started > timeoutMs) {
          const r = cond(s, 'Ready');
          throw new CliError(
            `timed out after ${Math.round(timeoutMs / 1000)}s waiting for botswarm "${name}" to be ${what}: ${s.status?.readyReplicas ?? 0}/${s.spec.replicas ?? 1} pods ready${r ? ` (${r.reason}: ${r.message})` : ''}`,
            EXIT.timeout,
          );
        }
        await new Promise((r) => setTimeout(r, 250));
        s = await this.#get(name);
      }
    } finally {
      if (tty) bar.stop();
    }
    this.#err(`botswarm/${name} is ${what} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  }

  program(): Command {
    const program = new Command('flockctl')
      .description('Manage Flock BotSwarms (flock.dev/v1alpha1)')
      .option('--kubeconfig <path>', 'path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
      .option('--context <name>', 'kubeconfig context to use')
      .option('-n, --namespace <ns>', 'namespace (default: the context namespace, or "default")')
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json', 'yaml'])
          .default('table'),
      )
      .exitOverride()
      .configureOutput({ writeOut: this.#out, writeErr: this.#err })
      .showHelpAfterError('(run with --help for usage)');
    const swarm = program.command('swarm').description('BotSwarm commands').exitOverride();
    const g = () => program.opts<GlobalOpts>();
    const waitOpts = (c: Command) =>
      c
        .option('--wait', 'wait until the swarm reports the result, with a progress display')
        .addOption(
          new Option('--timeout <duration>', 'how long --wait waits (e.g. 90s, 5m)')
            .argParser(duration)
            .default(120_000, '2m'),
        )
        .exitOverride();
    swarm
      .command('list')
      .alias('ls')
      .description('list swarms')
      .option('-A, --all-namespaces', 'list swarms in every namespace')
      .exitOverride()
      .action(async (o: { allNamespaces?: boolean }) => {
        this.#connect(g());
        await this.list(Boolean(o.allNamespaces));
      });
    swarm
      .command('get <name>')
      .description('show a swarm, its conditions and children')
      .exitOverride()
      .action(async (name: string) => {
        this.#connect(g());
        await this.get(name);
      });
    waitOpts(
      swarm
        .command('create')
        .description('create a swarm from a YAML file')
        .requiredOption('-f, --filename <file>', 'BotSwarm manifest ("-" for stdin)'),
    ).action(async (o: { filename: string } & WaitOpts) => {
      this.#connect(g());
      await this.create(o.filename, o);
    });
    waitOpts(
      swarm
        .command('scale <name>')
        .description('set the number of bot pods (--replicas) or bots (--bots) through the scale subresource')
        .option('--replicas <n>', 'bot pods', positiveInt)
        .option('--bots <n>', 'bots (rounded up to whole pods)', positiveInt),
    ).action(async (name: string, o: { replicas?: number; bots?: number } & WaitOpts) => {
      this.#connect(g());
      await this.scale(name, o);
    });
    waitOpts(swarm.command('suspend <name>').description('scale the bots to zero, keep the swarm')).action(
      async (name: string, o: WaitOpts) => {
        this.#connect(g());
        await this.suspend(name, true, o);
      },
    );
    waitOpts(swarm.command('resume <name>').description('resume a suspended swarm')).action(
      async (name: string, o: WaitOpts) => {
        this.#connect(g());
        await this.suspend(name, false, o);
      },
    );
    waitOpts(
      swarm.command('delete <name>').alias('rm').description('delete a swarm (its children go with it)'),
    ).action(async (name: string, o: WaitOpts) => {
      this.#connect(g());
      await this.delete(name, o);
    });
    return program;
  }

  /** Runs the CLI; resolves to the exit code. */
  async run(argv: string[]): Promise<number> {
    try {
      await this.program().parseAsync(argv, { from: 'user' });
      return EXIT.ok;
    } catch (e) {
      if (e instanceof CommanderError) {
        if (
          e.code === 'commander.helpDisplayed' ||
          e.code === 'commander.version' ||
          e.code === 'commander.help'
        )
          return EXIT.ok;
        if (e.code === 'commander.executeSubCommandAsync') return EXIT.ok;
        return EXIT.usage;
      }
      if (e instanceof CliError) {
        this.#err(`error: ${e.message}\n`);
        return e.exitCode;
      }
      this.#err(`error: ${(e as Error).message ?? String(e)}\n`);
      return EXIT.api;
    }
  }
}

if (import.meta.main) {
  const code = await new Flockctl().run(process.argv.slice(2));
  process.exitCode = code;
}
