// Profiles: PATCH /api/users/:username sets its owner's display name and bio (and only its owner's);
// every refused edit is a 4xx in the one error shape and changes nothing, read back; the display name
// shows beside the username on every message.
import type { Message, Profile } from '@flock/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { post, signUp, type TestUser } from './helpers/users.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const edit = (user: TestUser, payload: unknown, username = user.username) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/users/${username}`,
    headers: user.auth,
    payload: payload as object,
  });

const profile = async (username: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/users/${username}` });
  expect(response.statusCode).toBe(200);
  return response.json<Profile>();
};

describe('PATCH /api/users/:username', () => {
  it('sets and clears the display name and the bio, field by field, and shows the name on messages', async () => {
    const ada = await signUp(t.app);
    expect(await profile(ada.username)).toMatchObject({ displayName: null, bio: '' });

    const named = await edit(ada, { displayName: '  Ada Lovelace  ' }, ada.username.toUpperCase());
    expect(named.statusCode, named.body).toBe(200);
    expect(named.json<Profile>()).toMatchObject({
      username: ada.username,
      displayName: 'Ada Lovelace',
      bio: '',
    });
    expect(named.body).not.toContain(ada.email);

    const bio = 'Analyst.\n\tWrites notes on engines — and emoji 🐦';
    const described = await edit(ada, { bio });
    expect(described.json<Profile>()).toMatchObject({ displayName: 'Ada Lovelace', bio });
    expect(await profile(ada.username)).toMatchObject({ displayName: 'Ada Lovelace', bio });

    // The limits count characters, not UTF-16 units or bytes.
    const longest = { displayName: '🐦'.repeat(50), bio: 'é'.repeat(300) };
    expect((await edit(ada, longest)).json<Profile>()).toMatchObject(longest);

    const message = await post(t.app, ada, 'by a named author');
    expect(message.author).toEqual({ username: ada.username, displayName: '🐦'.repeat(50), bot: false });
    const feed = await t.app.inject({ method: 'GET', url: `/api/messages?author=${ada.username}` });
    expect(feed.json().items[0].author.displayName).toBe('🐦'.repeat(50));

    const cleared = await edit(ada, { displayName: null, bio: '' });
    expect(cleared.json<Profile>()).toMatchObject({ displayName: null, bio: '' });
    const again = await t.app.inject({ method: 'GET', url: `/api/messages/${message.id}` });
    expect(again.json<Message>().author.displayName).toBeNull();
  });

  it('refuses every bad edit with a 4xx in the one error shape, and stores nothing', async () => {
    const ada = await signUp(t.app);
    const before = { displayName: 'Ada', bio: 'Keeps this bio' };
    expect((await edit(ada, before)).statusCode).toBe(200);
    const other = await signUp(t.app);

    const refusals: [
      string,
      Promise<{ statusCode: number; json: () => unknown }>,
      number,
      string,
      string?,
    ][] = [
      ['only spaces', edit(ada, { displayName: '    ' }), 400, 'VALIDATION_FAILED', 'displayName'],
      [
        'zero-width characters',
        edit(ada, { displayName: '\u200b\u200c\u200d\ufeff' }),
        400,
        'VALIDATION_FAILED',
        'displayName',
      ],
      ['an empty display name', edit(ada, { displayName: '' }), 400, 'VALIDATION_FAILED', 'displayName'],
      [
        'a display name of two lines',
        edit(ada, { displayName: 'Ada\nLovelace' }),
        400,
        'VALIDATION_FAILED',
        'displayName',
      ],
      [
        'a display name over 50',
        edit(ada, { displayName: 'x'.repeat(51) }),
        400,
        'VALIDATION_FAILED',
        'displayName',
      ],
      [
        'a display name of the wrong type',
        edit(ada, { displayName: 42 }),
        400,
        'VALIDATION_FAILED',
        'displayName',
      ],
      ['a bio over 300', edit(ada, { bio: 'x'.repeat(301) }), 400, 'VALIDATION_FAILED', 'bio'],
      [
        'a bio with a control character',
        edit(ada, { bio: 'bell \u0007 here' }),
        400,
        'VALIDATION_FAILED',
        'bio',
      ],
      ['an unknown field', edit(ada, { email: 'x@example.test' }), 400, 'VALIDATION_FAILED', 'email'],
      ['no field at all', edit(ada, {}), 400, 'VALIDATION_FAILED'],
      ["another's profile", edit(other, { bio: 'hijacked' }, ada.username), 403, 'FORBIDDEN'],
      ['a missing profile', edit(ada, { bio: 'nobody' }, 'nobody_here_at_all'), 404, 'NOT_FOUND'],
      [
        'no token',
        t.app.inject({ method: 'PATCH', url: `/api/users/${ada.username}`, payload: { bio: 'anonymous' } }),
        401,
        'UNAUTHORIZED',
      ],
    ];
    for (const [what, sent, status, code, field] of refusals) {
      const response = await sent;
      expect(response.statusCode, what).toBe(status);
      const body = response.json() as { error: { code: string; details?: { field: string }[] } };
      expect(body.error.code, what).toBe(code);
      if (field)
        expect(
          body.error.details?.map((detail) => detail.field),
          what,
        ).toContain(field);
      expect(await profile(ada.username), what).toMatchObject(before);
    }
    expect(await profile(other.username)).toMatchObject({ displayName: null, bio: '' });
  });

  it('tells a refused display name what its text must be, not what the other branch of its union is', async () => {
    const ada = await signUp(t.app);
    const response = await edit(ada, { displayName: '' });
    expect(response.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'displayName must not be empty',
        details: [{ field: 'displayName', message: 'must not be empty' }],
      },
    });
  });
});
