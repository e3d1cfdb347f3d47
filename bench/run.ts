// npm run bench [-- --only fanout,feed] [--quick] [--out .artifacts/bench]
// Runs each scenario in turn, prints its rows as it finishes and the whole table at the end, and writes
// <out>/<scenario>.json and <out>/summary.json. --quick makes every scenario tiny (what `npm test` runs).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOAD_CORES, pin } from './lib/common.ts';
import type { Row, Scenario } from './lib/stats.ts';
import { scenarios } from './scenarios/index.ts';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: '.artifacts/bench' },
  },
});
const wanted = values.only?.split(',').map((name) => name.trim()) ?? scenarios.map((s) => s.name);
const unknown = wanted.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(
    `unknown scenario ${unknown.join(', ')}; choose from ${scenarios.map((s) => s.name).join(', ')}`,
  );
  process.exit(2);
}
const selected: Scenario[] = scenarios.filter((s) => wanted.includes(s.name));

// The load generator (this process) on its own core; servers are pinned to the other one as they start.
if (os.availableParallelism() > 1) pin(process.pid, LOAD_CORES);
mkdirSync(values.out, { recursive: true });

const machine = {
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
  loadAverage: os.loadavg().map((value) => Number(value.toFixed(2))),
};
const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
log(`${values.quick ? 'quick' : 'full'} run of ${selected.map((s) => s.name).join(', ')} on ${machine.cpus}`);

const table: Row[] = [];
const summary: Record<string, unknown> = {
  machine,
  quick: values.quick,
  startedAt: new Date().toISOString(),
  scenarios: {},
};
let failed = false;
const started = performance.now();
for (const scenario of selected) {
  const t0 = performance.now();
  log(`${scenario.name}: ${scenario.title}`);
  try {
    const result = await scenario.run({ quick: values.quick, log });
    const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    table.push(...result.rows);
    printRows(result.rows);
    const record = {
      scenario: scenario.name,
      title: scenario.title,
      seconds,
      quick: values.quick,
      machine,
      rows: result.rows,
      details: result.details,
    };
    writeFileSync(join(values.out, `${scenario.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    (summary.scenarios as Record<string, unknown>)[scenario.name] = { seconds, rows: result.rows };
  } catch (error) {
    failed = true;
    log(
      `${scenario.name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    table.push({
      scenario: scenario.name,
      figure: 'error',
      flock: String(error instanceof Error ? error.message : error)
        .replace(/\s+/g, ' ')
        .slice(0, 120),
    });
    (summary.scenarios as Record<string, unknown>)[scenario.name] = { error: String(error) };
  }
}
summary.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
writeFileSync(join(values.out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

console.log(
  `\n## Flock benchmark (${values.quick ? 'quick' : 'full'}), ${machine.cpus}, ${summary.seconds} s\n`,
);
printTable(table);
process.exit(failed ? 1 : 0);

function cells(row: Row): string[] {
  const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO';
  return [
    row.scenario,
    row.figure,
    `${row.flock}${row.unit ? ` ${row.unit}` : ''}`,
    row.baseline === undefined ? '' : `${row.baseline}${row.unit ? ` ${row.unit}` : ''}`,
    row.ratio === undefined ? '' : `${row.ratio}×`,
    row.target ?? '',
    met,
    row.spreadPct === undefined ? '' : `±${row.spreadPct}%`,
  ];
}

function printRows(rows: Row[]) {
  for (const row of rows) console.log(`| ${cells(row).join(' | ')} |`);
}

function printTable(rows: Row[]) {
  console.log('| scenario | figure | Flock | baseline | ratio | target | met | spread |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  printRows(rows);
}
