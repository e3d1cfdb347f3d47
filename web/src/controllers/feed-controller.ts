// A feed's data, for the component that renders it: follows the feed's live stream, loads its pages
// through one api task (so a restarted feed never takes an older answer), and turns live events,
// likes, deletes and the reader's own posts into FeedState; how a like or delete went is a notice. The host renders the getters and calls
// the methods; every change requests an update.
import type { Message, MessagePage } from '@flock/shared/api';
import type { StreamName } from '@flock/shared/live';
import { ContextConsumer } from '@lit/context';
import { type Task, TaskStatus } from '@lit/task';
import type { ReactiveController, ReactiveElement } from 'lit';
import { apiContext } from '../context.ts';
import type { NoticeKind } from '../events.ts';
import { apiTask } from './api-task.ts';
import { type FeedFilter, FeedState, streamOf } from './feed-state.ts';
import { LiveSubscriptionController } from './live-subscription.ts';
import { deleteMessage, describeError, notify } from './message-actions.ts';

const PAGE_SIZE = 20;

/** One load: the first page (after following the stream), the next older one, or the newest again. */
type FeedLoad =
  | { kind: 'first'; filter: FeedFilter }
  | { kind: 'older'; filter: FeedFilter; before: string }
  | { kind: 'refresh'; filter: FeedFilter };

interface LoadedPage {
  load: FeedLoad;
  page: MessagePage;
}

export interface FeedControllerOptions {
  /** The feed to show; read on every update, and the feed starts over when it changes. */
  filter: () => FeedFilter;
  /** Whether the reader sees the top of the list (see FeedState). */
  readerAtTop: () => boolean;
}

export class FeedController implements ReactiveController {
  /** Why the last page could not be loaded. */
  loadError: string | undefined;

  readonly #host: ReactiveElement;
  readonly #filter: () => FeedFilter;
  readonly #state: FeedState;
  readonly #api: ContextConsumer<typeof apiContext, ReactiveElement>;
  readonly #live: LiveSubscriptionController;
  readonly #pages: Task<readonly [FeedLoad], LoadedPage>;
  #running: FeedLoad | undefined;
  #stream: StreamName | undefined;

  constructor(host: ReactiveElement, options: FeedControllerOptions) {
    this.#host = host;
    this.#filter = options.filter;
    this.#state = new FeedState({ readerAtTop: options.readerAtTop });
    this.#api = new ContextConsumer(host, { context: apiContext });
    this.#live = new LiveSubscriptionController(host, {
      event: (frame) => this.#change(() => this.#state.apply(frame)),
      resync: () => this.#refresh(),
    });
    this.#pages = apiTask(host, {
      load: async (api, [load]: readonly [FeedLoad], signal): Promise<LoadedPage> => {
        if (load.kind === 'first') await this.#live.follow(streamOf(load.filter));
        const before = load.kind === 'older' ? load.before : undefined;
        const { home, tag, author } = load.filter;
        const page = home
          ? await api.home({ before, limit: PAGE_SIZE }, signal)
          : await api.feed({ tag, author, before, limit: PAGE_SIZE }, signal);
        return { load, page };
      },
      onComplete: ({ load, page }) => this.#loaded(load, page),
      onError: (error) => {
        // A failed refresh is retried by the next reconnect or reload; a failed page is shown.
        if (this.#running?.kind !== 'refresh')
          this.loadError = describeError(error, 'The messages could not be loaded.');
      },
    });
    host.addController(this);
  }

  get messages(): readonly Message[] {
    return this.#state.messages;
  }
  get pending(): readonly Message[] {
    return this.#state.pending;
  }
  get hasOlder() {
    return this.#state.next !== null;
  }
  get loaded() {
    return this.#state.loaded;
  }
  /** A page is on its way (a refresh, unseen by the reader, is not counted). */
  get loading() {
    return this.busy && this.#running?.kind !== 'refresh';
  }
  /** Any load is on its way. */
  get busy() {
    return this.#pages.status === TaskStatus.PENDING;
  }

  hostUpdate() {
    const filter = this.#filter();
    if (streamOf(filter) !== this.#stream) this.#start(filter);
  }

  loadMore() {
    const before = this.#state.next;
    if (this.busy || !before || !this.#state.loaded) return;
    this.#run({ kind: 'older', filter: this.#state.filter, before });
  }

  /** After a failed load: the first page again, or the next older one. */
  retry() {
    if (this.#state.loaded) this.loadMore();
    else this.#start(this.#filter());
  }

  showPending() {
    this.#change(() => this.#state.showPending());
  }

  posted(message: Message) {
    this.#change(() => this.#state.posted(message));
  }

  /** Shown at once; the API's answer settles it, a failure rolls it back. */
  async like(id: string, liked: boolean) {
    const api = this.#api.value;
    const ticket = api && this.#state.like(id, liked);
    if (!api || !ticket) return;
    this.#host.requestUpdate();
    try {
      const state = await api.like(id, liked);
      this.#change(() => this.#state.likeSettled(ticket, state));
    } catch (error) {
      this.#change(() => {
        if (this.#state.likeFailed(ticket))
          this.#notify('error', describeError(error, 'The like could not be saved.'));
      });
    }
  }

  /** Whether the message was deleted. */
  async remove(id: string): Promise<boolean> {
    const api = this.#api.value;
    if (!api) return false;
    return deleteMessage(this.#host, api, id, () => this.#change(() => this.#state.remove(id)));
  }

  /** Starts the feed over: follow the stream, then read the first page. */
  #start(filter: FeedFilter) {
    this.#stream = streamOf(filter);
    this.#state.reset(filter);
    this.#run({ kind: 'first', filter: this.#state.filter });
  }

  /** Events may have been missed: read the newest page again and merge it. */
  #refresh() {
    // Before the first page there is nothing to refresh, unless that page failed: the connection is
    // back, so the API probably is too, and the reader should not have to press "Try again".
    if (!this.#state.loaded) {
      if (this.loadError && !this.busy) this.#start(this.#state.filter);
      return;
    }
    // An older page on its way is asked for again.
    this.#run({ kind: 'refresh', filter: this.#state.filter });
  }

  #run(load: FeedLoad) {
    this.#running = load;
    if (load.kind !== 'refresh') this.loadError = undefined;
    void this.#pages.run([load]);
  }

  #loaded(load: FeedLoad, page: MessagePage) {
    if (load.kind === 'first') this.#state.firstPage(page);
    else if (load.kind === 'older') this.#state.olderPage(page);
    // The task settles its status after this returns: start the next run after that.
    else if (!this.#state.refreshed(page)) queueMicrotask(() => this.#start(this.#state.filter));
  }

  #notify(kind: NoticeKind, text: string) {
    notify(this.#host, kind, text);
  }

  #change(apply: () => void) {
    apply();
    this.#host.requestUpdate();
  }
}
