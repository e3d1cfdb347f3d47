#!/usr/bin/env node
/**
 * Scale run: N BotSwarms (default 500) created at once on a real control plane of its own, reconciled by
 * the real operator process to Ready. Prints the time from the first create to the last Ready, the
 * operator's writes, `/scale` latencies and an idle minute's writes and Events.
 * `node operator/scripts/scale.ts [N] [--workers 16] [--idle-seconds 60]`
 */
import { parseArgs } from 'node:util';
import { runScale } from '../test/support/scale.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string', default: '16' }, 'idle-seconds': { type: 'string', default: '60' } },
});
const n = Number(positionals[0] ?? 500);
const r = await runScale(n, {
  workers: Number(values.workers),
  idleSeconds: Number(values['idle-seconds']),
  ownControlPlane: true,
  log: (line) => console.error(line),
});
console.log(JSON.stringify(r, null, 2));
process.exit(0);
