// The agent's counters as a plain object `{ "post.ok": 12, ... }`: logged when it stops, so the last
// word of a run says what it did (and tests can check it against the database).
import type { AgentMetrics } from './metrics.ts';

export async function summarize(metrics: AgentMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.actions.get();
  const totals: Record<string, number> = {};
  for (const { labels, value } of values) {
    if (value > 0) totals[`${labels.kind}.${labels.outcome}`] = value;
  }
  return totals;
}
