// Scenario 6, overload: find the sustainable rate of feed reads with a quick closed-loop run, then offer
// twice that, open-loop. The API sheds the excess with 503 + Retry-After (under-pressure, on event-loop
// delay), its event loop stays responsive (/healthz answers fast, and 200), memory stays bounded; the API
// serves reads in every second of it; the goodput against the sustainable rate is logged (the 80% target is
// checked by `npm run chaos`; see docs/reliability.md).
import { describe, expect, it } from 'vitest';
import { clusterForFile } from '../lib/cluster-for-file.ts';
import { runOverload } from '../lib/overload-run.ts';

const MAX_EVENT_LOOP_DELAY_MS = 50;
const SECONDS = 12;

const cluster = clusterForFile({
  replicas: 1,
  env: { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: String(MAX_EVENT_LOOP_DELAY_MS) },
});

describe('overload', () => {
  it('sheds twice the sustainable rate with 503 + Retry-After, stays live and bounded', async () => {
    const report = await runOverload(cluster(), SECONDS);
    console.log(JSON.stringify({ scenario: 'overload', ...report }));
    expect(report.sustainable).toBeGreaterThan(50);
    // Excess shed with 503 + Retry-After; nothing else but timeouts. (On a shared machine the closed-loop
    // measurement can come out low enough that twice it is still served: then nothing needs shedding.)
    expect(report.shed > 0 || report.goodputRatio >= 0.8, JSON.stringify(report)).toBe(true);
    expect(report.shedWithRetryAfter).toBe(report.shed);
    expect(report.ok + report.shed + (report.statuses['0'] ?? 0)).toBe(report.sent);
    // The event loop stayed responsive: liveness answered 200, within 2 s (a busy shared 2-core machine), throughout.
    expect(report.healthz.probes).toBeGreaterThan(20);
    expect(report.healthz.non200).toBe(0);
    expect(report.healthz.maxMs).toBeLessThan(2_000);
    // No runaway memory; the process is still up.
    expect(report.rssPeakMiB - report.rssBaselineMiB).toBeLessThan(512);
    expect(cluster().replicas[0]!.crashes).toEqual([]);
    // No collapse: every second of the offered load served reads. The goodput ratio itself is a timing figure,
    // logged here and held to its 80% target by `npm run chaos`, which has the machine to itself.
    const offeredSeconds = report.perSecond.slice(0, SECONDS);
    expect(
      offeredSeconds.filter(([served]) => served === 0),
      JSON.stringify(report.perSecond),
    ).toEqual([]);
  });
});
