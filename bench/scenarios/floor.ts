// The framework floor: Flock's /healthz (every plugin and hook, no database) against bare node:http.
import { startBareServer, startFlock } from '../lib/common.ts';
import { alternate } from '../lib/load.ts';
import { pairedRatio, type Scenario, summarise } from '../lib/stats.ts';

export const floor: Scenario = {
  name: 'floor',
  title: 'framework floor: GET /healthz vs bare node:http',
  async run({ quick, log }) {
    const flock = await startFlock();
    const bare = await startBareServer('bare-http');
    try {
      log('floor: alternating runs');
      const runs = await alternate(
        { flock: { url: flock.url, path: '/healthz' }, baseline: { url: bare.url, path: '/' } },
        quick
          ? { seconds: 1, warmupSeconds: 0, rounds: 1, connections: 8 }
          : { seconds: 3, warmupSeconds: 3, rounds: 5, connections: 32 },
      );
      const f = summarise(runs.flock.map((r) => r.rps));
      const b = summarise(runs.baseline.map((r) => r.rps));
      const paired = pairedRatio(
        runs.flock.map((r) => r.rps),
        runs.baseline.map((r) => r.rps),
      );
      const ratio = paired.ratio;
      return {
        rows: [
          {
            scenario: 'floor',
            figure: 'requests/s',
            flock: f.median,
            baseline: b.median,
            ratio,
            target: '≥ 0.90×',
            met: ratio >= 0.9,
            spreadPct: paired.spreadPct,
          },
        ],
        details: { flock: f, baseline: b, paired, runs },
      };
    } finally {
      await bare.stop();
      await flock.stop();
    }
  },
};
