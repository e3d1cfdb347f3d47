// Load generators: a closed loop (N requests back to back) to find the sustainable rate, and
// an open loop that sends at a fixed rate whatever the answers, as real users do, recording each answer.
import { Agent, request } from 'node:http';
import { sleep } from '@flock/testkit/waiting';

export interface RequestSpec {
  method?: string;
  path: string | (() => string);
  headers?: Record<string, string>;
  body?: () => string;
}

/** 2xx answers per second, with `connections` requests back to back, each sent when the last answered. */
export async function closedLoopRate(
  baseUrl: string,
  specs: RequestSpec[],
  options: { seconds: number; connections: number },
): Promise<number> {
  const target = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const started = performance.now();
  let ok = 0;
  let index = 0;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() - started < options.seconds * 1000) {
        const status = await send(target, agent, specs[index++ % specs.length]!, 10_000);
        if (status.status >= 200 && status.status < 300) ok++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return ok / seconds;
}

function send(
  target: URL,
  agent: Agent,
  spec: RequestSpec,
  timeoutMs: number,
): Promise<{ status: number; retryAfter: boolean; reason?: string }> {
  const body = spec.body?.();
  const path = typeof spec.path === 'string' ? spec.path : spec.path();
  return new Promise((resolve) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: spec.method ?? 'GET',
        path,
        agent,
        headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...spec.headers },
        timeout: timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // Errors keep their body, to tell why (e.g. `503 OVERLOADED eventLoopDelay`, `503 UNAVAILABLE`).
        let text = '';
        if (status >= 400) response.on('data', (chunk) => (text += chunk));
        else response.resume();
        response.on('end', () =>
          resolve({
            status,
            retryAfter: response.headers['retry-after'] !== undefined,
            ...(status >= 400 ? { reason: errorReason(status, text) } : {}),
          }),
        );
        response.on('error', () => resolve({ status: 0, retryAfter: false }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, retryAfter: false }));
    req.end(body);
  });
}

/** `503 OVERLOADED healthCheck`: the status, the error code and, for shed load, the signal that fired. */
function errorReason(status: number, text: string): string {
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    const signal = /\((\w+):/.exec(error.message)?.[1];
    return [status, error.code, signal].filter(Boolean).join(' ');
  } catch {
    return String(status);
  }
}

export interface OpenLoopResult {
  sent: number;
  seconds: number;
  /** Seconds from the first request to the last answer. */
  elapsed: number;
  byStatus: Map<number, number>;
  /** Latencies (ms) of the 2xx answers. */
  latencies: number[];
  /** 503s that carried a Retry-After header. */
  retryAfter: number;
  /** Answers per second bucket: [2xx, other]. */
  perSecond: [number, number][];
  /** Error answers by reason (status, code, and the load-shedding signal), with the seconds they came in. */
  errorReasons: Map<string, { count: number; seconds: Set<number> }>;
}

/** Sends `rate` requests a second for `seconds`, each on its own (a pool of keep-alive sockets). */
export async function openLoop(
  baseUrl: string,
  specs: RequestSpec[],
  options: { rate: number; seconds: number; timeoutMs?: number },
): Promise<OpenLoopResult> {
  const target = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 2_000 });
  const result: OpenLoopResult = {
    sent: 0,
    seconds: options.seconds,
    elapsed: 0,
    byStatus: new Map(),
    latencies: [],
    retryAfter: 0,
    perSecond: Array.from({ length: Math.ceil(options.seconds) + 30 }, () => [0, 0]),
    errorReasons: new Map(),
  };
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  const one = (spec: RequestSpec) => {
    const sentAt = performance.now();
    const done = send(target, agent, spec, options.timeoutMs ?? 10_000).then(
      ({ status, retryAfter, reason }) => {
        const now = performance.now();
        if (reason) {
          const entry = result.errorReasons.get(reason) ?? { count: 0, seconds: new Set<number>() };
          entry.count++;
          entry.seconds.add(Math.floor((now - started) / 1000));
          result.errorReasons.set(reason, entry);
        }
        result.byStatus.set(status, (result.byStatus.get(status) ?? 0) + 1);
        const bucket = result.perSecond[Math.floor((now - started) / 1000)];
        if (status >= 200 && status < 300) {
          result.latencies.push(now - sentAt);
          if (bucket) bucket[0]++;
        } else if (bucket) bucket[1]++;
        if (status === 503 && retryAfter) result.retryAfter++;
      },
    );
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  let index = 0;
  while (performance.now() - started < options.seconds * 1000) {
    const elapsed = performance.now() - started;
    const rate = options.rate;
    // Catch up to the schedule, but never send a backlog of more than 100 ms at once.
    const due = Math.min(result.sent + rate / 10, Math.floor((elapsed / 1000) * rate));
    while (result.sent < due) {
      one(specs[index++ % specs.length]!);
      result.sent++;
    }
    await sleep(5);
  }
  await Promise.all(pending);
  result.elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return result;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
