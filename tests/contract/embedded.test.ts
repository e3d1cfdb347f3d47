// A smoke subset against the embedded default (README "Running": no DATABASE_URL and no JWT_SECRET
// means PGlite in-process, migrations at start-up): the same contract, fewer checks.
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded } from './support/cluster.ts';
import { Client, expectError, send } from './support/http.ts';
import { Live } from './support/live.ts';
import { Api } from './support/openapi.ts';
import { post, register } from './support/users.ts';

const embedded = await startEmbedded();
afterAll(() => embedded.stop());
const { replica } = embedded;
const api = await Api.load(replica.base);
const client = new Client(replica.base, api);

describe('the embedded default', () => {
  it('says it runs on the embedded database, and is alive and ready', async () => {
    expect(replica.process.output()).toContain('embedded');
    expect((await send(replica.base, 'GET', '/healthz', {})).status).toBe(200);
    expect((await send(replica.base, 'GET', '/readyz', {})).status).toBe(200);
  });

  it('serves the same operations in its OpenAPI document', () => {
    const names = api.operations.map((op) => `${op.method} ${op.path}`);
    for (const name of [
      'POST /api/auth/register',
      'POST /api/auth/login',
      'GET /api/messages',
      'GET /api/tags/trending',
    ])
      expect(names).toContain(name);
  });

  it('registers, logs in, posts, pages, likes and counts trending tags', async () => {
    const ada = await register(client, 'em');
    const login = await client.post('/api/auth/login', {
      login: ada.email.toUpperCase(),
      password: ada.password,
    });
    expect(login.status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(client, ada, `embedded ${i} #Embedded`)).id);
    const first = await client.get('/api/messages?limit=3');
    expect(first.json.items.map((m: { id: string }) => m.id)).toEqual(ids.slice(2).reverse());
    const second = await client.get(`/api/messages?limit=3&before=${first.json.next}`);
    expect(second.json.items.map((m: { id: string }) => m.id)).toEqual(ids.slice(0, 2).reverse());
    expect((await client.put(`/api/messages/${ids[0]}/like`, { token: ada.token })).json).toEqual({
      likeCount: 1,
      likedByMe: true,
    });
    expect((await client.get('/api/tags/trending?window=15m')).json).toEqual([{ tag: 'embedded', count: 5 }]);
  });

  it('answers errors in the one shape: validation 400, unknown path 404, 405, 415, 401', async () => {
    expectError(await client.get('/api/messages?limit=1e1'), 400);
    expectError(await client.get('/api/nope'), 404);
    expectError(await client.request('PATCH', '/api/messages'), 405);
    expectError(
      await client.request('POST', '/api/auth/login', { raw: 'x', contentType: 'text/plain' }),
      415,
    );
    expectError(await client.get('/api/users/me', { token: 'garbage' }), 401);
  });

  it('delivers live events over the WebSocket', async () => {
    const ada = await register(client, 'ew');
    const socket = await Live.connect(replica.ws, ada.token);
    await socket.next((f) => f.type === 'welcome', 'welcome');
    await socket.subscribe('public');
    const message = await post(client, ada, 'embedded live');
    const event = await socket.next((f) => f.type === 'event' && f.data.id === message.id, 'message.created');
    expect(event).toMatchObject({ event: 'message.created', streams: ['public'] });
    await socket.close();
  });
});
