// The signed-in session as it is kept in localStorage, so that a reload and other tabs share it.
// SessionController (controllers/session-controller.ts) owns the session while the app runs.
import type { Me } from '@flock/shared/api';

export interface Session {
  token: string;
  user: Me;
}

const STORAGE_KEY = 'flock.session';

export function loadSession(storage: Storage = localStorage): Session | undefined {
  try {
    const stored = JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    if (typeof stored?.token === 'string' && typeof stored.user?.username === 'string') {
      return { token: stored.token, user: stored.user };
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

export function saveSession(session: Session | undefined, storage: Storage = localStorage) {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}

/** Whether a `storage` event's key may have changed the session (null: the storage was cleared). */
export const isSessionKey = (key: string | null) => key === STORAGE_KEY || key === null;
