// The suite works: `bench/run.ts --quick` runs every scenario tiny, prints the table and writes each
// scenario's JSON with real figures. No timing is asserted (this machine is shared and noisy).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Row } from '../lib/stats.ts';
import { scenarios } from '../scenarios/index.ts';

const runner = fileURLToPath(new URL('../run.ts', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'flock-bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Record {
  scenario: string;
  quick: boolean;
  rows: Row[];
  details: { [key: string]: unknown };
}
const read = (name: string) => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')) as Record;
const positive = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value > 0;

describe('npm run bench -- --quick', () => {
  let stdout = '';
  let code: number | null = null;

  it('runs every scenario and prints one table', async () => {
    ({ code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [runner, '--quick', '--out', out],
        { maxBuffer: 64 << 20, timeout: 220_000 },
        (error, out) =>
          resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: String(out) }),
      );
    }));
    expect(code).toBe(0);
    expect(stdout).toContain('| scenario | figure | Flock | baseline | ratio | target | met | spread |');
    for (const scenario of scenarios) expect(stdout).toMatch(new RegExp(`^\\| ${scenario.name} \\|`, 'm'));
    expect(stdout).not.toMatch(/\| error \|/);
  });

  it('writes a JSON record per scenario, with rows and a summary', () => {
    for (const scenario of scenarios) {
      const record = read(scenario.name);
      expect(record.scenario).toBe(scenario.name);
      expect(record.quick).toBe(true);
      expect(record.rows.length).toBeGreaterThan(0);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      scenarios: { [name: string]: { rows: Row[] } };
    };
    expect(Object.keys(summary.scenarios).sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  it('measures against a baseline in the same run where there is one', () => {
    for (const name of ['floor', 'feed', 'write']) {
      for (const row of read(name).rows.filter((r) => r.ratio !== undefined)) {
        expect(positive(row.flock), `${name}: ${row.figure}`).toBe(true);
        expect(positive(row.baseline), `${name}: ${row.figure}`).toBe(true);
        expect(row.ratio).toBeCloseTo(Number(row.flock) / Number(row.baseline), 1);
      }
    }
    const likes = read('write').details.likesStored;
    expect(positive(likes)).toBe(true);
  });

  it('delivers every fan-out and cross-replica message (nothing lost)', () => {
    const fanout = read('fanout').details as {
      flock: { lost: number; deliveries: number }[];
      bare: { lost: number }[];
    };
    expect(fanout.flock.length).toBeGreaterThan(0);
    for (const phase of [...fanout.flock, ...fanout.bare]) expect(phase.lost).toBe(0);
    expect(fanout.flock.every((phase) => phase.deliveries > 0)).toBe(true);
    const cross = read('cross-replica').details as {
      writerReplica: { lost: number; count: number };
      otherReplica: { lost: number; count: number };
    };
    expect(cross.writerReplica.lost).toBe(0);
    expect(cross.otherReplica.lost).toBe(0);
    expect(cross.otherReplica.count).toBeGreaterThan(0);
  });

  it('steps the mixed workload, runs the bots and the operator', () => {
    const mixed = read('mixed').details as { steps: { sent: number; ok: number }[] };
    expect(mixed.steps.length).toBeGreaterThan(0);
    expect(mixed.steps[0]!.ok).toBeGreaterThan(0);
    const bots = read('bots').details as { bots: number; errors: number; requestsPerSecond: number };
    expect(bots.bots).toBe(10);
    expect(bots.errors).toBe(0);
    const operator = read('operator').details as {
      swarms: number;
      allReadyMs: number;
      scaleToDeployment: { samples: number; p50: number };
      idle: { seconds: number; writes: number; events: number };
    };
    expect(operator.swarms).toBe(10);
    expect(positive(operator.allReadyMs)).toBe(true);
    expect(operator.scaleToDeployment.samples).toBe(2);
    expect(positive(operator.scaleToDeployment.p50)).toBe(true);
    expect(operator.idle).toEqual({ seconds: 10, writes: 0, events: 0 });
  });
});
