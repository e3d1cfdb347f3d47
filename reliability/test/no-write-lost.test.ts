// Scenario 4, short version (the long one, with real PostgreSQL restarts, is `npm run chaos`): writers and
// bots against two replicas while replicas are SIGKILLed and the database connection is cut, in turn.
import { describe, expect, it } from 'vitest';
import { runSetScenario } from '../lib/set-run.ts';

describe('no acknowledged write lost', () => {
  it('stores every acknowledged write once and delivers every stored message to every subscriber', async () => {
    const report = await runSetScenario({
      seconds: 28,
      faultEveryMs: 7_000,
      realPostgresRestart: false,
      bots: 5,
    });
    console.log(JSON.stringify({ scenario: 'no-write-lost', ...report }));
    expect(report.faults.replicaKilled).toBeGreaterThanOrEqual(1);
    expect(report.faults.databaseCut).toBeGreaterThanOrEqual(1);
    expect(report.writes.acknowledged).toBeGreaterThan(100);
    expect(report).toMatchObject({ lost: 0, wrongId: 0, duplicated: 0, crashes: 0, repeatedOrResync: 0 });
    expect(report.bots.postsAcknowledged).toBeGreaterThan(0);
    expect(report.bots.postsStored).toBeGreaterThanOrEqual(report.bots.postsAcknowledged);
    expect(report.missingPerSubscriber).toEqual(Array(report.subscribers).fill(0));
  });
});
