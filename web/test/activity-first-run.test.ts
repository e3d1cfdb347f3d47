// The activity page as a new user first meets it: `npm start` (scripts/start.ts, its bots included) on a
// fresh embedded database, and within a minute /activity draws the bots' posts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@flock/testkit/ports';
import { type RunningProcess, startNodeProcess } from '@flock/testkit/processes';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { launchBrowser, phone, register, type Site, screenshot, signedIn } from './helpers/flock.ts';

const startScript = fileURLToPath(new URL('../../scripts/start.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'flock-activity-first-run-'));
let flock: RunningProcess & { ready: string };
let browser: Browser;

beforeAll(async () => {
  const [port, metricsPort] = [await freePort(), await freePort()];
  [flock, browser] = await Promise.all([
    startNodeProcess(startScript, {
      what: 'npm start',
      env: {
        PORT: String(port),
        METRICS_PORT: String(metricsPort),
        HOST: '127.0.0.1',
        EMBEDDED_DATA_DIR: join(dataDir, 'pglite'),
        WEB_DIST: inject('webDist'),
        DATABASE_URL: '',
        FLOCK_BOTS: '5',
      },
      timeoutMs: 90_000,
      ready: (output) => output.match(/^Flock is running at (http:\/\/\S+)$/m)?.[1],
    }),
    launchBrowser(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await flock?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('within a minute of npm start, /activity charts the bots’ posts', async () => {
  const site: Site = { url: flock.ready.replace('localhost', '127.0.0.1') };
  const reader = await register(site);
  const context = await browser.newContext({ viewport: phone });
  const { page, problems } = await signedIn(site, context, reader, '/activity');
  await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  // The bots' posts column of the table the page keeps for screen readers.
  const botPosts = () =>
    page
      .locator('flock-activity-table tbody tr')
      .evaluateAll((rows) =>
        rows.reduce((sum, row) => sum + Number(row.querySelectorAll('td')[1]?.textContent), 0),
      );
  await expect.poll(botPosts, { timeout: 60_000, interval: 2_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.locator('flock-chart canvas').count()).toBe(3);
  await screenshot(page, 'activity-first-run-phone-light');
  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
