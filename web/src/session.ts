// The signed-in session: kept in localStorage (so a reload keeps it) and shared with every component
// through @lit/context. Components read it; they change it by dispatching events the app handles.

import type { AuthResponse, Me } from '@flock/shared/api';
import { createContext } from '@lit/context';
import type { ApiClient } from './api.ts';
import type { LiveController } from './controllers/live-controller.ts';

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

export const isSessionKey = (key: string | null) => key === STORAGE_KEY || key === null;

/** The session, or undefined when signed out. */
export const sessionContext = createContext<Session | undefined>(Symbol('flock-session'));
/** The API client (one per app). */
export const apiContext = createContext<ApiClient>(Symbol('flock-api'));
/** The live feed connection (one per app). */
export const liveContext = createContext<LiveController>(Symbol('flock-live'));

// ---- events components dispatch to change the session ----

/** A form signed the user in (or up). */
export class SignedInEvent extends Event {
  static readonly eventName = 'flock-signed-in';
  readonly auth: AuthResponse;
  constructor(auth: AuthResponse) {
    super(SignedInEvent.eventName, { bubbles: true, composed: true });
    this.auth = auth;
  }
}

/** The user asked to sign out. */
export class SignOutEvent extends Event {
  static readonly eventName = 'flock-sign-out';
  constructor() {
    super(SignOutEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'flock-signed-in': SignedInEvent;
    'flock-sign-out': SignOutEvent;
  }
}
