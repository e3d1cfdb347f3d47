// One read measured against its raw-pg baseline, as the read scenarios (feed, home) report it: maximum
// throughput of each, alternating (closed loop), then latency at 70% of each side's own maximum (fixed rate).
import { alternate, type LoadResult, runLoad, type Target } from './load.ts';
import { pairedRatio, type Row, summarise } from './stats.ts';

export interface ReadComparison {
  scenario: string;
  label: string;
  flock: Target;
  baseline: Target;
  quick: boolean;
  /** The latency target of the p95 at 70% of Flock's maximum, in ms. */
  p95TargetMs: number;
}

export interface ReadMeasurement {
  rows: Row[];
  details: { flock: ReturnType<typeof summarise>; baseline: ReturnType<typeof summarise> } & Record<
    string,
    unknown
  >;
  flockFixed: LoadResult;
}

export async function compareRead(
  read: ReadComparison,
  log: (message: string) => void,
): Promise<ReadMeasurement> {
  const timing = read.quick
    ? { seconds: 1, warmupSeconds: 0, rounds: 1, connections: 8 }
    : { seconds: 4, warmupSeconds: 3, rounds: 5, connections: 16 };
  log(`${read.scenario} (${read.label}): throughput`);
  const runs = await alternate({ flock: read.flock, baseline: read.baseline }, timing);
  const f = summarise(runs.flock.map((r) => r.rps));
  const b = summarise(runs.baseline.map((r) => r.rps));
  log(`${read.scenario} (${read.label}): latency at 70% of each maximum`);
  const fixedSeconds = read.quick ? 1 : 8;
  const flockFixed = await runLoad(read.flock, {
    seconds: fixedSeconds,
    rate: f.median * 0.7,
    connections: timing.connections,
  });
  const rawFixed = await runLoad(read.baseline, {
    seconds: fixedSeconds,
    rate: b.median * 0.7,
    connections: timing.connections,
  });
  const paired = pairedRatio(
    runs.flock.map((r) => r.rps),
    runs.baseline.map((r) => r.rps),
  );
  return {
    rows: [
      {
        scenario: read.scenario,
        figure: `${read.label}: requests/s`,
        flock: f.median,
        baseline: b.median,
        ratio: paired.ratio,
        target: '≥ 0.70×',
        met: paired.ratio >= 0.7,
        spreadPct: paired.spreadPct,
      },
      {
        scenario: read.scenario,
        figure: `${read.label}: p95 / p99 at 70% load`,
        flock: `${flockFixed.p95} / ${flockFixed.p99}`,
        baseline: `${rawFixed.p95} / ${rawFixed.p99}`,
        unit: 'ms',
        target: `p95 ≤ ${read.p95TargetMs} ms`,
        met: flockFixed.p95 <= read.p95TargetMs,
      },
    ],
    details: { flock: f, baseline: b, paired, runs, flockFixed, rawFixed },
    flockFixed,
  };
}
