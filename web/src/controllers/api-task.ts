// The one way components load from the API: a Task (@lit/task) whose run is given the app's client and
// an AbortSignal to pass on to it. A new run aborts the one before it, and only the latest run's answer
// reaches the component, so a feed, a profile or the trending list never shows a stale response.
import { ContextConsumer } from '@lit/context';
import { initialState, Task } from '@lit/task';
import type { ReactiveElement } from 'lit';
import type { ApiClient } from '../api.ts';
import { apiContext } from '../context.ts';

export interface ApiTaskOptions<A extends readonly unknown[], R> {
  /** Given: the task runs whenever they change (Task's autoRun). Left out: it runs when `run()` is called. */
  args?: () => A;
  load: (api: ApiClient, args: A, signal: AbortSignal) => Promise<R>;
  onComplete?: (value: R) => void;
  onError?: (error: unknown) => void;
}

export function apiTask<A extends readonly unknown[], R>(
  host: ReactiveElement,
  options: ApiTaskOptions<A, R>,
): Task<A, R> {
  const api = new ContextConsumer(host, { context: apiContext });
  return new Task<A, R>(host, {
    // Outside the app (no client provided) there is nothing to load: the task stays in its initial state.
    task: (args, { signal }) => (api.value ? options.load(api.value, args, signal) : initialState),
    ...(options.args ? { args: options.args } : { autoRun: false }),
    ...(options.onComplete ? { onComplete: options.onComplete } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
