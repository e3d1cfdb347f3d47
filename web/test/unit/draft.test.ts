import { expect, test } from 'vitest';
import { DraftController } from '../../src/controllers/draft.ts';

class MemoryStorage implements Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const host = {
  addController() {},
  removeController() {},
  requestUpdate() {},
  updateComplete: Promise.resolve(true),
};

test('a draft is kept per account; blank text or a cleared draft leaves nothing behind', () => {
  const storage = new MemoryStorage();
  let owner: string | undefined = 'ada';
  const draft = new DraftController(
    host,
    () => owner,
    () => storage as unknown as Storage,
  );
  expect(draft.load()).toBe('');
  draft.save('Half a thought');
  expect(draft.load()).toBe('Half a thought');
  owner = 'bob';
  expect(draft.load()).toBe('');
  owner = 'ada';
  draft.save('   ');
  expect(storage.items.size).toBe(0);
  draft.save('Again');
  draft.clear();
  expect(draft.load()).toBe('');
});

test('signed out, nothing is kept; a storage that refuses only costs the draft', () => {
  const storage = new MemoryStorage();
  const signedOut = new DraftController(
    host,
    () => undefined,
    () => storage as unknown as Storage,
  );
  signedOut.save('Nobody’s');
  expect(storage.items.size).toBe(0);
  const full = {
    getItem: () => null,
    setItem: () => {
      throw new DOMException('full', 'QuotaExceededError');
    },
    removeItem: () => {},
  };
  const draft = new DraftController(
    host,
    () => 'ada',
    () => full as unknown as Storage,
  );
  expect(() => draft.save('Too much')).not.toThrow();
});
