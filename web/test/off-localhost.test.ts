// Served over plain http under a name other than localhost (a phone on the LAN opening
// http://<machine>:3000, or a hostname), the app must load: a browser treats only localhost as secure, so
// an `upgrade-insecure-requests` policy or HSTS there would move every asset to an https that does not
// exist and leave the page blank. Chromium maps the test name to 127.0.0.1 itself.
import { chromium } from 'playwright-core';
import { expect, test } from 'vitest';
import { chromiumArgs, phone, screenshot, systemUnderTest } from './helpers/flock.ts';

const HOST = 'flock-lan.test';
const system = systemUnderTest({ browser: false });

test('the sign-in page loads over plain http from a name other than localhost', async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [...chromiumArgs, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`],
  });
  try {
    const page = await browser.newPage({ viewport: phone });
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const origin = new URL(system.flock.url);
    origin.hostname = HOST;
    const response = await page.goto(new URL('/login', origin).href);
    expect(response?.headers()['strict-transport-security']).toBeUndefined();
    await page.getByRole('heading', { name: 'Sign in to Flock' }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).protocol).toBe('http:');
    expect(failed).toEqual([]);
    await screenshot(page, 'off-localhost-sign-in-phone');
  } finally {
    await browser.close();
  }
});
