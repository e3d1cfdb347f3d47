// Closed-loop maximum throughput and fixed-rate latency runs with autocannon (in this process, which runs
// on the load-generator core).
import autocannon, { type Options, type Request } from 'autocannon';
import { percentiles, round } from './stats.ts';

export interface Target {
  url: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Varies each request (another user, another message). */
  setupRequest?: (request: Request) => Request;
}

export interface LoadResult {
  rps: number;
  requests: number;
  errors: number;
  non2xx: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export async function runLoad(
  target: Target,
  options: { seconds: number; connections?: number; rate?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  const request: Request = {
    method: target.method ?? 'GET',
    path: target.path,
    // A JSON content type with an empty body is a 400 in Fastify: only bodies get one.
    headers: {
      ...(target.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...target.headers,
    },
    ...(target.body !== undefined ? { body: target.body } : {}),
    ...(target.setupRequest ? { setupRequest: target.setupRequest } : {}),
  };
  const config: Options = {
    url: target.url,
    connections: options.connections ?? 16,
    duration: options.seconds,
    timeout: 10,
    requests: [request],
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
  };
  const instance = autocannon(config);
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status < 400) latencies.push(ms);
  });
  const result = await instance;
  const stats = percentiles(latencies);
  return {
    rps: round(result['2xx'] / result.duration),
    requests: result['2xx'],
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    p50: stats.p50,
    p95: stats.p95,
    p99: stats.p99,
    max: stats.max,
  };
}

/**
 * Flock and its baseline measured alternately (warm-up each, then `rounds` measured runs each), so a
 * burst of noise from the machine hits both alike. Returns each side's runs.
 */
export async function alternate(
  sides: { flock: Target; baseline: Target },
  options: { seconds: number; warmupSeconds: number; rounds: number; connections?: number },
): Promise<{ flock: LoadResult[]; baseline: LoadResult[] }> {
  if (options.warmupSeconds > 0) {
    await runLoad(sides.flock, { seconds: options.warmupSeconds, connections: options.connections });
    await runLoad(sides.baseline, { seconds: options.warmupSeconds, connections: options.connections });
  }
  const flock: LoadResult[] = [];
  const baseline: LoadResult[] = [];
  for (let i = 0; i < options.rounds; i++) {
    flock.push(await runLoad(sides.flock, options));
    baseline.push(await runLoad(sides.baseline, options));
  }
  return { flock, baseline };
}
