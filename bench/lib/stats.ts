// Percentiles, medians and spreads, and the result row every scenario reports.

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function percentiles(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Median of repeated runs and their spread ((max − min) / median, in percent). */
export function summarise(values: number[]) {
  const m = median(values);
  return {
    median: round(m),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    spreadPct: round(((Math.max(...values) - Math.min(...values)) / m) * 100, 1),
    runs: values.map((value) => round(value)),
  };
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** One line of the table: a figure, its baseline and the ratio where there is one, and the target. */
export interface Row {
  scenario: string;
  figure: string;
  flock: number | string;
  baseline?: number | string;
  ratio?: number;
  unit?: string;
  target?: string;
  /** undefined: no target for this row. */
  met?: boolean;
  spreadPct?: number;
}

export interface ScenarioContext {
  quick: boolean;
  log: (message: string) => void;
}

export interface ScenarioResult {
  rows: Row[];
  /** Everything measured, for the JSON file. */
  details: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/**
 * Flock ÷ baseline per alternating round, then the median of those ratios and their spread: each round's
 * pair ran back to back, so a burst of load from elsewhere on the machine mostly cancels out.
 */
export function pairedRatio(flock: number[], baseline: number[]) {
  const ratios = flock.map((value, index) => value / baseline[index]!);
  const m = median(ratios);
  return {
    ratio: round(m),
    spreadPct: round(((Math.max(...ratios) - Math.min(...ratios)) / m) * 100, 1),
    ratios: ratios.map((value) => round(value, 3)),
  };
}
