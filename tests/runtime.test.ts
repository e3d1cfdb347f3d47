import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs every npm script on the Node 24 the project pins', () => {
    expect(process.version).toMatch(/^v24\./);
  });

  it('declares Node 24 in engines and .nvmrc', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.engines.node).toBe('>=24 <25');
    expect(readFileSync(new URL('../.nvmrc', import.meta.url), 'utf8').trim()).toBe('24');
  });
});
