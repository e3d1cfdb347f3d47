// What the controllers of a feed, a thread and a profile tell the reader about an action's outcome, said
// the same way from each: the app's notices (which the reader sees wherever they are scrolled), with the
// API's own words for a refusal.
import { type ApiClient, ApiError } from '../api.ts';
import { flockEvent, type NoticeKind } from '../events.ts';

/** The API's words for a refusal, or `fallback` for anything else (the network, a 5xx). */
export const describeError = (error: unknown, fallback: string) =>
  error instanceof ApiError ? error.message : fallback;

export const notify = (host: EventTarget, kind: NoticeKind, text: string) =>
  host.dispatchEvent(flockEvent('flock-notify', { kind, text }));

/** Deletes a message: `deleted` takes it off the view, then a notice says so. Whether it was deleted. */
export async function deleteMessage(
  host: EventTarget,
  api: ApiClient,
  id: string,
  deleted: () => void,
): Promise<boolean> {
  try {
    await api.remove(id);
    deleted();
    notify(host, 'info', 'Message deleted.');
    return true;
  } catch (error) {
    notify(host, 'error', describeError(error, 'The message could not be deleted.'));
    return false;
  }
}
