// A request's writes: each runs as one transaction (or one autocommit statement), returns the ids of the
// events it wrote, and those are announced to the live feed once that commit happened, here and nowhere
// else. A write that failed or rolled back announces nothing; one that wrote no event (a replay) neither.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { LiveAnnouncer } from '../live/announcer.ts';

/** What a write hands back: its result, and the events it wrote (see live/outbox.ts). */
export interface Written<T> {
  result: T;
  events: readonly string[];
}

export class UnitOfWork {
  readonly em: EntityManager;
  readonly #announcer: LiveAnnouncer;

  constructor(em: EntityManager, announcer: LiveAnnouncer) {
    this.em = em;
    this.#announcer = announcer;
  }

  /** `work` in one transaction, on the EntityManager it is given; its events once it committed. */
  async transaction<T>(work: (tx: EntityManager) => Promise<Written<T>>): Promise<T> {
    return this.#announced(await this.em.transactional(work));
  }

  /** `work` as autocommit statements (each committed when it returns); its events once it returned. */
  async autocommit<T>(work: (em: EntityManager) => Promise<Written<T>>): Promise<T> {
    return this.#announced(await work(this.em));
  }

  #announced<T>({ result, events }: Written<T>): T {
    if (events.length > 0) this.#announcer.announce(events);
    return result;
  }
}
