// The generated avatar: the same for the same username, different for different ones, mirrored, in range.
import { expect, test } from 'vitest';
import { AVATAR_GRID, avatarOf, hash } from '../../src/avatar.ts';

const names = Array.from({ length: 200 }, (_, i) => `user_${i}`);

test('the same username gives the same avatar', () => {
  expect(avatarOf('ada_lovelace')).toEqual(avatarOf('ada_lovelace'));
  expect(hash('ada')).toBe(hash('ada'));
});

test('different usernames mostly give different avatars', () => {
  const distinct = new Set(names.map((name) => JSON.stringify(avatarOf(name))));
  expect(distinct.size).toBeGreaterThan(names.length * 0.95);
  expect(new Set(names.map((name) => avatarOf(name).hue)).size).toBeGreaterThan(100);
});

test('each pattern is mirrored left to right, inside the grid, with a few cells at least', () => {
  for (const name of names) {
    const { hue, cells } = avatarOf(name);
    expect(hue).toBeGreaterThanOrEqual(0);
    expect(hue).toBeLessThan(360);
    expect(cells.length).toBeGreaterThanOrEqual(4);
    const filled = new Set(cells.map(([x, y]) => `${x},${y}`));
    for (const [x, y] of cells) {
      expect(x).toBeLessThan(AVATAR_GRID);
      expect(y).toBeLessThan(AVATAR_GRID);
      expect(filled.has(`${AVATAR_GRID - 1 - x},${y}`)).toBe(true);
    }
  }
});
