import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('schema', () => {
  it('is exactly what the entities describe once the committed migrations are applied', async () => {
    const pending = await t.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(pending.trim()).toBe('');
  });

  it('has an index for every list the API serves', async () => {
    const rows = await t.orm.em
      .fork()
      .execute<{ indexname: string }[]>("select indexname from pg_indexes where schemaname = 'public'");
    expect(rows.map((row) => row.indexname)).toEqual(
      expect.arrayContaining([
        'messages_pkey',
        'messages_user_id_id_index',
        'message_tags_tag_id_message_id_index',
        'likes_message_id_index',
        'events_created_at_index',
        'follows_followee_id_id_index',
        'follows_follower_id_id_index',
        'follows_follower_id_followee_id_unique',
        'follows_follower_id_unfollowed_event_id_index',
        'follows_unfollowed_event_id_index',
        'messages_in_reply_to_id_id_index',
      ]),
    );
  });
});
