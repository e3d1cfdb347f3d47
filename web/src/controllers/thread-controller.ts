// A message's page, for the component that renders it: follows the `public` stream (a thread's events are
// the public ones whose inReplyTo is in it), reads the thread through one api task, then its further
// replies, and applies live events, likes, deletes and the reader's own replies to ThreadState. How a
// like or delete went is a notice, as in the feeds.
import type { Message, Thread } from '@flock/shared/api';
import { ContextConsumer } from '@lit/context';
import { type Task, TaskStatus } from '@lit/task';
import type { ReactiveController, ReactiveElement } from 'lit';
import { ApiError } from '../api.ts';
import { apiContext } from '../context.ts';
import type { NoticeKind } from '../events.ts';
import { apiTask } from './api-task.ts';
import { LiveSubscriptionController } from './live-subscription.ts';
import { deleteMessage, describeError, notify } from './message-actions.ts';
import { type ThreadEntry, ThreadState } from './thread-state.ts';

const PAGE_SIZE = 20;

type ThreadLoad = { kind: 'first'; id: string } | { kind: 'more'; id: string; after: string };

export class ThreadController implements ReactiveController {
  /** Why the thread, or its next replies, could not be loaded. */
  loadError: string | undefined;
  /** The message does not exist (404). */
  missing = false;

  readonly #host: ReactiveElement;
  readonly #id: () => string;
  readonly #state = new ThreadState();
  readonly #api: ContextConsumer<typeof apiContext, ReactiveElement>;
  readonly #live: LiveSubscriptionController;
  readonly #pages: Task<readonly [ThreadLoad], { load: ThreadLoad; thread: Thread }>;

  constructor(host: ReactiveElement, id: () => string) {
    this.#host = host;
    this.#id = id;
    this.#api = new ContextConsumer(host, { context: apiContext });
    this.#live = new LiveSubscriptionController(host, {
      event: (frame) => this.#change(() => this.#state.apply(frame)),
      // Events may have been missed: the thread is read again.
      resync: () => this.#start(this.#state.id),
    });
    this.#pages = apiTask(host, {
      load: async (api, [load]: readonly [ThreadLoad], signal) => {
        if (load.kind === 'first') await this.#live.follow('public');
        const after = load.kind === 'more' ? load.after : undefined;
        return { load, thread: await api.thread(load.id, { after, limit: PAGE_SIZE }, signal) };
      },
      onComplete: ({ load, thread }) => {
        if (load.kind === 'first') this.#state.firstPage(thread);
        else this.#state.morePage(thread);
      },
      onError: (error) => {
        this.missing = error instanceof ApiError && error.status === 404;
        this.loadError = describeError(error, 'This message could not be loaded.');
      },
    });
    host.addController(this);
  }

  get ancestors(): readonly ThreadEntry[] {
    return this.#state.ancestors;
  }
  get message(): ThreadEntry | undefined {
    return this.#state.message;
  }
  get replies(): readonly Message[] {
    return this.#state.replies;
  }
  get hasMore() {
    return this.#state.next !== null;
  }
  get loaded() {
    return this.#state.loaded;
  }
  get loading() {
    return this.#pages.status === TaskStatus.PENDING;
  }

  hostUpdate() {
    const id = this.#id();
    if (id && id !== this.#state.id) this.#start(id);
  }

  loadMore() {
    const after = this.#state.next;
    if (this.loading || !after) return;
    this.#run({ kind: 'more', id: this.#state.id, after });
  }

  retry() {
    if (this.#state.loaded) this.loadMore();
    else this.#start(this.#state.id);
  }

  posted(message: Message) {
    this.#change(() => this.#state.posted(message));
  }

  /** Shown at once; the API's answer settles it, a failure puts it back. */
  async like(id: string, liked: boolean) {
    const api = this.#api.value;
    const message = this.#state.find(id);
    if (!api || !message || message.likedByMe === liked) return;
    const before = { likedByMe: message.likedByMe, likeCount: message.likeCount };
    const shown = { likedByMe: liked, likeCount: Math.max(0, message.likeCount + (liked ? 1 : -1)) };
    this.#change(() => this.#state.patch(id, shown));
    try {
      const state = await api.like(id, liked);
      this.#change(() => this.#state.patch(id, state));
    } catch (error) {
      this.#change(() => this.#state.patch(id, before));
      this.#notify('error', describeError(error, 'The like could not be saved.'));
    }
  }

  async remove(id: string): Promise<boolean> {
    const api = this.#api.value;
    if (!api) return false;
    return deleteMessage(this.#host, api, id, () => this.#change(() => this.#state.removed(id)));
  }

  #start(id: string) {
    this.#state.reset(id);
    this.#run({ kind: 'first', id });
  }

  #run(load: ThreadLoad) {
    this.loadError = undefined;
    this.missing = false;
    void this.#pages.run([load]);
  }

  #notify(kind: NoticeKind, text: string) {
    notify(this.#host, kind, text);
  }

  #change(apply: () => void) {
    apply();
    this.#host.requestUpdate();
  }
}
