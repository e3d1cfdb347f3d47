// The values the app shares with every component through @lit/context, and the shapes components see
// them by. This module is the bottom layer: it imports no controller and no component.
import type { EventFrame, StreamName } from '@flock/shared/live';
import { createContext } from '@lit/context';
import type { ApiClient } from './api.ts';
import type { Session } from './session.ts';

export interface LiveHandler {
  event(frame: EventFrame): void;
  /** Events may have been missed: reload the stream through the REST API. */
  resync(): void;
}

export interface LiveSubscription {
  /** Settles once the server confirmed the subscription, or the connection is not available now. */
  readonly ready: Promise<void>;
  unsubscribe(): void;
}

/** The live feed connection as components use it (LiveController is the app's). */
export interface LiveConnection {
  subscribe(stream: StreamName, handler: LiveHandler): LiveSubscription;
}

/** The session, or undefined when signed out. */
export const sessionContext = createContext<Session | undefined>(Symbol('flock-session'));
/** The API client (one per app). */
export const apiContext = createContext<ApiClient>(Symbol('flock-api'));
/** The live feed connection (one per app). */
export const liveContext = createContext<LiveConnection>(Symbol('flock-live'));
