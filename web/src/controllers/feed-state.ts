// The state of one feed, without a DOM or a server: the messages shown, newest first and each once; the
// ones held behind the "N new messages" banner while the reader is scrolled down; the live events that
// arrive before the first page, applied after it; and likes shown at once, settled or rolled back by
// the API's answer. FeedController drives it; test/unit/feed-state.test.ts proves it.
import type { LikeState, Message, MessagePage } from '@flock/shared/api';
import type { EventFrame, StreamName } from '@flock/shared/live';
import { newestFirst } from '../format.ts';

/** Which messages a feed shows: all, one tag's, one author's, or the reader's home timeline. */
export interface FeedFilter {
  tag?: string | undefined;
  author?: string | undefined;
  /** The accounts the reader follows, and the reader's own (the server knows which: `home`). */
  home?: boolean | undefined;
}

export interface FeedStateOptions {
  /** Whether the reader sees the top of the list: new messages are shown at once only then. */
  readerAtTop: () => boolean;
  /** A reader at the top of a busy feed keeps at most this many messages; older ones reload on scroll. */
  maxKept?: number;
}

/** One like or unlike shown before the API answered, and what it replaced. */
export interface LikeTicket {
  readonly id: string;
  readonly request: number;
  readonly before: LikeState;
}

const DEFAULT_MAX_KEPT = 300;

/** The union of two lists of messages, each once (the first seen wins), newest first. */
export function merge(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) if (!byId.has(message.id)) byId.set(message.id, message);
  return [...byId.values()].sort(newestFirst);
}

export function matches(filter: FeedFilter, message: Pick<Message, 'tags' | 'author'>) {
  // The reader's own messages are in their home timeline, and only those are matched here (posted).
  if (filter.home) return true;
  if (filter.tag && !message.tags.includes(filter.tag)) return false;
  return !filter.author || message.author.username === filter.author;
}

/** The live stream that carries a feed's events. */
export function streamOf(filter: FeedFilter): StreamName {
  if (filter.home) return 'home';
  if (filter.tag) return `tag:${filter.tag}`;
  if (filter.author) return `user:${filter.author}`;
  return 'public';
}

export class FeedState {
  /** The messages shown, newest first. */
  messages: readonly Message[] = [];
  /** New messages held behind the banner, newest first. */
  pending: readonly Message[] = [];
  /** The cursor of the next older page; null when the oldest message is shown. */
  next: string | null = null;
  /** Whether the first page has arrived (before it, live events wait in the early buffer). */
  loaded = false;
  filter: FeedFilter = {};

  readonly #readerAtTop: () => boolean;
  readonly #maxKept: number;
  #early: EventFrame[] = [];
  /** The latest like request per message: only its answer may settle the count. */
  readonly #likes = new Map<string, number>();
  #likeSequence = 0;

  constructor(options: FeedStateOptions) {
    this.#readerAtTop = options.readerAtTop;
    this.#maxKept = options.maxKept ?? DEFAULT_MAX_KEPT;
  }

  /** Starts over, for `filter`: nothing shown until the first page arrives. */
  reset(filter: FeedFilter) {
    this.filter = { ...filter };
    this.messages = [];
    this.pending = [];
    this.next = null;
    this.loaded = false;
    this.#early = [];
    this.#likes.clear();
  }

  /** The first page: shown, then the events that arrived while it loaded applied over it. */
  firstPage(page: MessagePage) {
    this.olderPage(page);
    this.loaded = true;
    for (const frame of this.#early.splice(0)) this.apply(frame);
  }

  olderPage(page: MessagePage) {
    this.messages = merge(this.messages, page.items);
    this.next = page.next;
  }

  /**
   * The newest page read again after events may have been missed: known messages take its values,
   * new ones arrive. Returns false when more is new than one page holds: the feed must start over.
   */
  refreshed(page: MessagePage): boolean {
    const oldest = page.items.at(-1);
    const newest = this.messages[0];
    if (page.next && oldest && newest && BigInt(oldest.id) > BigInt(newest.id)) return false;
    const known = new Map(page.items.map((message) => [message.id, message]));
    this.messages = this.messages.map((message) => known.get(message.id) ?? message);
    this.pending = this.pending.map((message) => known.get(message.id) ?? message);
    for (const message of page.items) this.arrived(message);
    return true;
  }

  /** A live event of the feed's stream. */
  apply(frame: EventFrame) {
    if (!this.loaded) {
      this.#early.push(frame);
      return;
    }
    switch (frame.event) {
      case 'message.created':
        this.arrived(frame.data);
        this.#replied(frame.data.inReplyTo, 1);
        return;
      case 'message.deleted':
        this.remove(frame.data.id);
        this.#replied(frame.data.inReplyTo, -1);
        return;
      case 'message.liked':
        // The reader's own request in flight decides the count once it is answered.
        if (!this.#likes.has(frame.data.id)) this.#patch(frame.data.id, { likeCount: frame.data.likeCount });
        return;
    }
  }

  /** A message that may be new: shown at once when the reader is at the top, else behind the banner. */
  arrived(message: Message) {
    if (this.find(message.id)) return;
    const last = this.messages.at(-1);
    if (this.next && last && BigInt(message.id) < BigInt(last.id)) return; // older pages will bring it
    if (this.pending.length > 0 || !this.#readerAtTop()) {
      this.pending = merge(this.pending, [message]);
      return;
    }
    this.messages = merge(this.messages, [message]);
    if (this.messages.length > this.#maxKept) {
      // Nobody is reading the far end: let it go, and read it again from the cursor if scrolled to.
      this.messages = this.messages.slice(0, this.#maxKept);
      this.next = this.messages.at(-1)!.id;
    }
  }

  /** The reader's own new message: shown at once, wherever the reader is, if this feed shows it. */
  posted(message: Message) {
    if (this.find(message.id) || !matches(this.filter, message)) return;
    this.messages = merge(this.messages, [message]);
  }

  /** The reader asked for what the banner counts. */
  showPending() {
    this.messages = merge(this.messages, this.pending);
    this.pending = [];
  }

  remove(id: string) {
    this.messages = this.messages.filter((message) => message.id !== id);
    this.pending = this.pending.filter((message) => message.id !== id);
  }

  find(id: string): Message | undefined {
    return this.messages.find((m) => m.id === id) ?? this.pending.find((m) => m.id === id);
  }

  /** Shows a like (or unlike) at once; the ticket settles it. Undefined when there is nothing to change. */
  like(id: string, liked: boolean): LikeTicket | undefined {
    const message = this.find(id);
    if (!message || message.likedByMe === liked) return undefined;
    const ticket = {
      id,
      request: ++this.#likeSequence,
      before: { likedByMe: message.likedByMe, likeCount: message.likeCount },
    };
    this.#likes.set(id, ticket.request);
    this.#patch(id, { likedByMe: liked, likeCount: Math.max(0, message.likeCount + (liked ? 1 : -1)) });
    return ticket;
  }

  /** The API's answer: the count it gives stands, unless a later request for the message is out. */
  likeSettled(ticket: LikeTicket, state: LikeState) {
    if (!this.#isLatest(ticket)) return;
    this.#likes.delete(ticket.id);
    this.#patch(ticket.id, state);
  }

  /** The request failed: back to what it replaced. Returns whether it was rolled back. */
  likeFailed(ticket: LikeTicket): boolean {
    if (!this.#isLatest(ticket)) return false;
    this.#likes.delete(ticket.id);
    this.#patch(ticket.id, ticket.before);
    return true;
  }

  /** A reply came or went: its parent's count follows, if the parent is shown (a refresh sets it right). */
  #replied(parent: string | null, change: 1 | -1) {
    const message = parent === null ? undefined : this.find(parent);
    if (message) this.#patch(message.id, { replyCount: Math.max(0, message.replyCount + change) });
  }

  #isLatest(ticket: LikeTicket) {
    return this.#likes.get(ticket.id) === ticket.request;
  }

  #patch(id: string, change: Partial<Message>) {
    const apply = (list: readonly Message[]) => list.map((m) => (m.id === id ? { ...m, ...change } : m));
    this.messages = apply(this.messages);
    this.pending = apply(this.pending);
  }
}
