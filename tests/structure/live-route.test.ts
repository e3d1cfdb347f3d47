// The live feed's route is only the upgrade's wiring: the protocol (admission, sessions, frames, replay,
// heartbeat, shutdown) lives in api/src/live/, and routes reach it through its entry point alone.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, sourceLines } from './source-files.ts';

const LIVE_ROUTE = 'api/src/routes/live/';
const MAX_LINES = 80;
const ENTRY_POINT = 'live/endpoint.ts';

describe('api/src/routes/live', () => {
  const lines = sourceLines(LIVE_ROUTE);

  it(`has no file longer than ${MAX_LINES} lines`, () => {
    const files = readdirSync(join(REPO, LIVE_ROUTE), { recursive: true, encoding: 'utf8' }).filter((file) =>
      statSync(join(REPO, LIVE_ROUTE, file)).isFile(),
    );
    expect(files).toContain('index.ts');
    const tooLong = files
      .map((file) => [
        file,
        readFileSync(join(REPO, LIVE_ROUTE, file), 'utf8')
          .trimEnd()
          .split('\n').length,
      ])
      .filter(([, count]) => Number(count) > MAX_LINES);
    expect(tooLong).toEqual([]);
  });

  it('wires the live feed through its entry point', () => {
    expect(lines.some((line) => line.text.includes(`'../../${ENTRY_POINT}'`))).toBe(true);
  });
});

describe('api/src/routes', () => {
  it(`import nothing of api/src/live/ but ${ENTRY_POINT}`, () => {
    const imports = sourceLines('api/src/routes')
      .filter((line) => /from\s+'(\.\.\/)+live\//.test(line.text) && !line.text.includes(`/${ENTRY_POINT}'`))
      .map((line) => `${line.where}: ${line.text.trim()}`);
    expect(imports).toEqual([]);
  });
});
