// The session as kept in localStorage: what is saved reads back, and a damaged entry is no session.
import { expect, test } from 'vitest';
import { isSessionKey, loadSession, saveSession } from '../../src/session.ts';

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const session = {
  token: 'header.payload.signature',
  user: { username: 'ada', email: 'ada@example.test', bot: false, createdAt: '2025-01-01T00:00:00.000Z' },
};

test('a saved session reads back; saving none removes it', () => {
  const storage = new MemoryStorage();
  saveSession(session, storage);
  expect(loadSession(storage)).toEqual(session);
  saveSession(undefined, storage);
  expect(storage.length).toBe(0);
  expect(loadSession(storage)).toBeUndefined();
});

test('a damaged or incomplete entry is the same as none', () => {
  const storage = new MemoryStorage();
  storage.setItem('flock.session', '{not json');
  expect(loadSession(storage)).toBeUndefined();
  storage.setItem('flock.session', JSON.stringify({ token: 42, user: { username: 'ada' } }));
  expect(loadSession(storage)).toBeUndefined();
  storage.setItem('flock.session', JSON.stringify({ token: 'x', user: {} }));
  expect(loadSession(storage)).toBeUndefined();
});

test('only the session key, or the whole storage cleared, may change the session', () => {
  expect(isSessionKey('flock.session')).toBe(true);
  expect(isSessionKey(null)).toBe(true);
  expect(isSessionKey('theme')).toBe(false);
});
