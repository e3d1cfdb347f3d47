// The live-feed outbox. Each event row is written in the transaction of the change it announces, so an
// event exists exactly when its change committed.
import type { EntityManager } from '@mikro-orm/postgresql';

export type EventType = 'message.created' | 'message.deleted' | 'message.liked';

export async function appendEvent(em: EntityManager, type: EventType, payload: object): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(
    'insert into events (type, payload) values (?, ?::jsonb) returning id',
    [type, JSON.stringify(payload)],
  );
  return String(row!.id);
}
