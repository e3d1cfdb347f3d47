// The events components dispatch to ask for changes (data flows down, events flow up). Each is a
// CustomEvent that bubbles out of shadow roots; its detail type is named once, here.
import type { AuthResponse, Message, Profile } from '@flock/shared/api';

/** A notice about an action: an error asks the reader to act, info only tells. */
export type NoticeKind = 'info' | 'error';

export interface FlockEventDetails {
  /** A form signed the user in (or up). */
  'flock-signed-in': AuthResponse;
  /** The user asked to sign out. */
  'flock-sign-out': null;
  /** A message was posted: the API's answer. */
  'flock-posted': Message;
  /** The reader asked to like (liked: true) or unlike a message. */
  'flock-like': { id: string; liked: boolean };
  /** The author asked to delete their message. */
  'flock-delete': { id: string };
  /** How an action went, for the reader: shown as a notice wherever they are scrolled. */
  'flock-notify': { kind: NoticeKind; text: string };
  /** The reader dismissed a notice. */
  'flock-dismiss-notice': { id: number };
  /** The owner saved their profile: the API's answer. */
  'flock-profile-saved': Profile;
  /** The owner closed the profile form without saving. */
  'flock-profile-cancel': null;
  /** The reader asked to reconnect the live feed now rather than after the backoff. */
  'flock-retry-live': null;
}

export type FlockEventMap = { [K in keyof FlockEventDetails]: CustomEvent<FlockEventDetails[K]> };

export function flockEvent<K extends keyof FlockEventDetails>(
  name: K,
  detail: FlockEventDetails[K],
): CustomEvent<FlockEventDetails[K]> {
  return new CustomEvent(name, { detail, bubbles: true, composed: true });
}

declare global {
  interface HTMLElementEventMap extends FlockEventMap {}
}
