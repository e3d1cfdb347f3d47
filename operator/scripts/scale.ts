#!/usr/bin/env node
/**
 * Scale run: N BotSwarms (default 500) created at once against the test API server, reconciled by the
 * real operator process to Ready. Prints the time from the first create to the last Ready, and the
 * operator's write count. `node operator/scripts/scale.ts [N] [--workers 16]`
 */
import { parseArgs } from 'node:util';
import { runScale } from '../test/support/scale.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { workers: { type: 'string', default: '16' } },
});
const n = Number(positionals[0] ?? 500);
const r = await runScale(n, Number(values.workers));
console.log(JSON.stringify(r, null, 2));
process.exit(0);
