// The state of one message's page, without a DOM or a server: the messages it answers (root first), the
// message, and its direct replies (oldest first, keyset-paged forward); live events of the `public`
// stream applied to it: a new reply to the message joins the end once every older one is shown, a
// deleted message leaves its place to "deleted message" (or, a reply, goes), likes and reply counts
// follow. ThreadController drives it; test/unit/thread-state.test.ts proves it.
import type { DeletedMessage, LikeState, Message, Thread } from '@flock/shared/api';
import type { EventFrame } from '@flock/shared/live';

export type ThreadEntry = Message | DeletedMessage;

export const isDeleted = (entry: ThreadEntry): entry is DeletedMessage => 'deleted' in entry;

const oldestFirst = (a: { id: string }, b: { id: string }) => {
  const x = BigInt(a.id);
  const y = BigInt(b.id);
  return x === y ? 0 : x < y ? -1 : 1;
};

export class ThreadState {
  id = '';
  ancestors: readonly ThreadEntry[] = [];
  /** The message itself; undefined before the first page, deleted if it went while shown. */
  message: ThreadEntry | undefined;
  replies: readonly Message[] = [];
  /** The cursor of the next replies; null when every reply is shown. */
  next: string | null = null;
  loaded = false;

  #early: EventFrame[] = [];
  /** The replies to the message already in its count: the reader's own reply and its live event are one. */
  readonly #counted = new Set<string>();
  /** The deletions applied, each once, whether the reader's own answer or its live event told it first. */
  readonly #deletions = new Set<string>();

  reset(id: string) {
    this.id = id;
    this.ancestors = [];
    this.message = undefined;
    this.replies = [];
    this.next = null;
    this.loaded = false;
    this.#early = [];
    this.#counted.clear();
    this.#deletions.clear();
  }

  /** The first page: shown, then the events that arrived while it loaded applied over it. */
  firstPage(thread: Thread) {
    this.ancestors = thread.ancestors;
    this.message = thread.message;
    this.loaded = true;
    this.morePage(thread);
    for (const frame of this.#early.splice(0)) this.apply(frame);
  }

  /** The replies that follow the last one shown. */
  morePage(thread: Pick<Thread, 'replies' | 'next'>) {
    for (const reply of thread.replies) this.#counted.add(reply.id);
    this.replies = mergeOldestFirst(this.replies, thread.replies);
    this.next = thread.next;
  }

  apply(frame: EventFrame) {
    if (!this.loaded) {
      this.#early.push(frame);
      return;
    }
    switch (frame.event) {
      case 'message.created':
        if (frame.data.inReplyTo === this.id) this.#reply(frame.data);
        else if (frame.data.inReplyTo) this.#countReply(frame.data.inReplyTo, 1);
        return;
      case 'message.deleted':
        this.#gone(frame.data.id, frame.data.inReplyTo);
        return;
      case 'message.liked':
        this.patch(frame.data.id, { likeCount: frame.data.likeCount });
        return;
    }
  }

  /** The reader's own reply, from the reply box: shown at once. */
  posted(message: Message) {
    if (message.inReplyTo === this.id) this.#reply(message);
  }

  /** The reader deleted one of the messages shown (its live event, too, may come: it is the same). */
  removed(id: string) {
    const message = this.find(id);
    if (message) this.#gone(id, message.inReplyTo);
  }

  find(id: string): Message | undefined {
    const entry = [...this.ancestors, ...(this.message ? [this.message] : []), ...this.replies].find(
      (candidate) => candidate.id === id,
    );
    return entry && !isDeleted(entry) ? entry : undefined;
  }

  /** Changes one shown message (a like's state, a count). */
  patch(id: string, change: Partial<LikeState & Pick<Message, 'replyCount'>>) {
    const apply = <T extends ThreadEntry>(entry: T): T =>
      entry.id === id && !isDeleted(entry) ? { ...entry, ...change } : entry;
    this.ancestors = this.ancestors.map(apply);
    if (this.message) this.message = apply(this.message);
    this.replies = this.replies.map(apply);
  }

  #reply(message: Message) {
    if (!this.#counted.has(message.id)) {
      this.#counted.add(message.id);
      this.#countReply(this.id, 1);
    }
    // Replies are read oldest first: while some are still to load, the new one comes with the last page.
    if (this.next === null) this.replies = mergeOldestFirst(this.replies, [message]);
  }

  #countReply(parent: string, change: 1 | -1) {
    const message = this.find(parent);
    if (message) this.patch(parent, { replyCount: Math.max(0, message.replyCount + change) });
  }

  #gone(id: string, parent: string | null) {
    if (this.#deletions.has(id)) return;
    this.#deletions.add(id);
    this.#deleted(id);
    if (parent) this.#countReply(parent, -1);
  }

  #deleted(id: string) {
    const gone: DeletedMessage = { id, deleted: true };
    this.ancestors = this.ancestors.map((entry) => (entry.id === id ? gone : entry));
    if (this.message?.id === id) this.message = gone;
    this.replies = this.replies.filter((reply) => reply.id !== id);
  }
}

function mergeOldestFirst(current: readonly Message[], incoming: readonly Message[]): Message[] {
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) if (!byId.has(message.id)) byId.set(message.id, message);
  return [...byId.values()].sort(oldestFirst);
}
