// The activity page's data: GET /api/activity for the chosen window, through the api task, polled every
// 10 s while the page is shown and its tab visible. Polling rather than the live feed: the figures are
// counts the database makes, and a polling reader costs one request per 10 s whatever the traffic. A
// failed poll keeps the last figures on screen and says so.
import type { Activity, ActivityWindow } from '@flock/shared/api';
import type { ReactiveController, ReactiveElement } from 'lit';
import { apiTask } from './api-task.ts';

export const POLL_MS = 10_000;

export class ActivityController implements ReactiveController {
  window: ActivityWindow = 'hour';
  /** The last figures the API gave for `window`. */
  activity: Activity | undefined;
  /** When they arrived. */
  updatedAt: Date | undefined;
  /** The last poll failed (the figures shown, if any, are older). */
  failed = false;
  readonly #host: ReactiveElement;
  readonly #task;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveElement) {
    this.#host = host;
    host.addController(this);
    this.#task = apiTask(host, {
      args: () => [this.window] as const,
      load: (api, [window], signal) => api.activity(window, signal),
      onComplete: (activity) => {
        this.activity = activity;
        this.updatedAt = new Date();
        this.failed = false;
      },
      onError: () => {
        this.failed = true;
      },
    });
  }

  hostConnected() {
    this.#timer = setInterval(this.#poll, POLL_MS);
    document.addEventListener('visibilitychange', this.#poll);
  }

  hostDisconnected() {
    clearInterval(this.#timer);
    document.removeEventListener('visibilitychange', this.#poll);
  }

  // A tab in the background asks nothing; shown again, it catches up at once.
  readonly #poll = () => {
    if (document.visibilityState === 'visible') void this.#task.run();
  };

  /** Shows another window: its figures replace the others' once they arrive. */
  show(window: ActivityWindow) {
    if (window === this.window) return;
    this.window = window;
    this.activity = undefined;
    this.#host.requestUpdate();
  }
}
