// The activity page: its charts are drawn with the people's and the bots' lines, its table holds the
// numbers the API gives, it follows new posts by polling, and it reads well on a phone and a desktop,
// light and dark (screenshots in .artifacts/screenshots/).
import type { Activity, ActivityBucket } from '@flock/shared';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { phone, screenshot, systemUnderTest, type User } from './helpers/flock.ts';

const system = systemUnderTest();
const wide = { width: 1440, height: 900 };
let ada: User;
let bot: User;

beforeAll(async () => {
  ada = await system.register();
  bot = await system.register({ bot: true });
  const mine = await system.postMessage(ada, 'Counting things #metrics');
  const beeps = [
    await system.postMessage(bot, 'beep #metrics #bots'),
    await system.postMessage(bot, 'boop #bots'),
  ];
  for (const beep of beeps) await system.likeMessage(ada, beep.id);
  await system.likeMessage(bot, mine.id);
});

async function apiActivity(window: 'hour' | 'day' = 'hour'): Promise<Activity> {
  const response = await fetch(new URL(`/api/activity?window=${window}`, system.flock.url));
  expect(response.status).toBe(200);
  return (await response.json()) as Activity;
}

type Column = `${'posts' | 'likes' | 'signups'}.${'people' | 'bots'}`;
const COLUMNS: Column[] = [
  'posts.people',
  'posts.bots',
  'likes.people',
  'likes.bots',
  'signups.people',
  'signups.bots',
];

const apiTotals = (series: ActivityBucket[]) =>
  COLUMNS.map((column) => {
    const [measure, who] = column.split('.') as ['posts', 'people'];
    return series.reduce((sum, bucket) => sum + bucket[measure][who], 0);
  });

/** The table's columns, each summed over its rows, and how many rows it has. */
async function tableTotals(page: Page) {
  const rows = await page
    .locator('flock-activity-table tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))),
    );
  return { rows: rows.length, totals: COLUMNS.map((_, i) => rows.reduce((sum, row) => sum + row[i]!, 0)) };
}

/** How many of a chart canvas's pixels are close to the colour of its `tone` series' swatch. */
function pixelsOf(chart: Locator, tone: 'people' | 'bots') {
  return chart.evaluate((element, tone) => {
    const root = element.shadowRoot!;
    const swatch = root.querySelector(`.key.${tone} .swatch`)!;
    const [r, g, b] = getComputedStyle(swatch).color.match(/\d+/g)!.map(Number) as [number, number, number];
    const canvas = root.querySelector('canvas')!;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const distance = Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b);
      if (data[i + 3]! > 200 && distance < 60) count++;
    }
    return count;
  }, tone);
}

async function openActivity(viewport: typeof wide, colorScheme: 'light' | 'dark') {
  const context = await system.browser.newContext({ viewport, colorScheme });
  const watched = await system.signedIn(context, ada, '/activity');
  await watched.page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
  await watched.page.locator('flock-chart canvas').first().waitFor();
  return { context, ...watched };
}

test('the charts draw both series and the table holds the API’s numbers', async () => {
  const { context, page, problems } = await openActivity(wide, 'light');
  await expect.poll(() => page.locator('flock-chart canvas').count()).toBe(3);
  const posts = page.locator('flock-chart').first();
  await expect.poll(() => pixelsOf(posts, 'people')).toBeGreaterThan(20);
  await expect.poll(() => pixelsOf(posts, 'bots')).toBeGreaterThan(20);

  const api = await apiActivity();
  expect(apiTotals(api.series)).toEqual([1, 2, 2, 1, 1, 1]);
  expect(await tableTotals(page)).toEqual({ rows: 60, totals: apiTotals(api.series) });
  const figures = page.locator('section.figures');
  await expect.poll(() => figures.locator('.figure').nth(0).textContent()).toMatch(/1\s+person\s+1\s+bot/);
  await expect
    .poll(() => figures.locator('.figure').nth(2).textContent(), { timeout: 20_000 })
    .toMatch(/Live connections\s+1\s+on this server/);
  expect(await page.locator('section.tags li').allTextContents()).toEqual(
    api.topTags.map(({ tag, count }) =>
      expect.stringMatching(new RegExp(`^\\s*#${tag}\\s+${count} messages\\s*$`)),
    ),
  );
  await expect.poll(() => page.getByText('Polling every 10 s').count()).toBe(1);

  // A new post reaches the page by the next poll, without a reload.
  await system.postMessage(bot, 'one more beep');
  await expect
    .poll(async () => (await tableTotals(page)).totals[1], { timeout: 20_000, interval: 500 })
    .toBe(3);

  // The day: 144 ten-minute buckets, the same totals.
  await page.getByRole('button', { name: 'Last day' }).click();
  await expect.poll(async () => (await tableTotals(page)).rows).toBe(144);
  expect((await tableTotals(page)).totals).toEqual(apiTotals((await apiActivity('day')).series));
  expect(await page.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
  expect(problems).toEqual([]);
  await context.close();
});

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const [name, viewport] of Object.entries({ phone, wide })) {
      test(`${name} ${scheme}: drawn, and nothing wider than the page`, async () => {
        const { context, page, problems } = await openActivity(viewport, scheme);
        const posts = page.locator('flock-chart').first();
        await expect.poll(() => pixelsOf(posts, 'people')).toBeGreaterThan(20);
        const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        expect(widths[0]).toBe(widths[1]);
        await screenshot(page, `activity-${name}-${scheme}`);
        // The table, opened: it scrolls inside its box rather than widen the page.
        await page.getByText('The numbers as a table').click();
        await page.locator('flock-activity-table table').scrollIntoViewIfNeeded();
        const opened = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        expect(opened[0]).toBe(opened[1]);
        await screenshot(page, `activity-table-${name}-${scheme}`);
        expect(problems).toEqual([]);
        await context.close();
      });
    }
  }
});
