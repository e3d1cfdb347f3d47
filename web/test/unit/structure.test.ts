// The web app's shape, kept: components stay small (their data logic lives in controllers, their
// styles in src/styles/), and the modules at the bottom import nothing from the layers above them.
import { readdir, readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';

const MAX_COMPONENT_LINES = 250;
const src = new URL('../../src/', import.meta.url);

async function sources(folder: string) {
  const names = (await readdir(new URL(folder, src))).filter((name) => name.endsWith('.ts'));
  return Promise.all(
    names.map(async (name) => ({ name, text: await readFile(new URL(`${folder}${name}`, src), 'utf8') })),
  );
}

test(`no file under src/components/ has more than ${MAX_COMPONENT_LINES} lines`, async () => {
  const files = await sources('components/');
  expect(files.length).toBeGreaterThan(0);
  const lines = Object.fromEntries(files.map(({ name, text }) => [name, text.split('\n').length - 1]));
  const tooLong = Object.entries(lines).filter(([, count]) => count > MAX_COMPONENT_LINES);
  expect(tooLong).toEqual([]);
});

test('the modules below the controllers import no controller and no component', async () => {
  const bottom = (await sources('')).filter(({ name }) => name !== 'main.ts');
  expect(bottom.map(({ name }) => name)).toContain('context.ts');
  const upward = bottom.flatMap(({ name, text }) =>
    [...text.matchAll(/from '(\.\/(?:controllers|components)\/[^']+)'/g)].map(
      (match) => `${name} → ${match[1]}`,
    ),
  );
  expect(upward).toEqual([]);
});
