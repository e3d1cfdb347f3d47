// Message text becomes text and tag segments; nothing in it is ever treated as markup.
import { expect, test } from 'vitest';
import { parseRoute } from '../../src/controllers/router.ts';
import { hashtags, segments } from '../../src/format.ts';

test('hashtags become tag segments by the API rule; the rest stays text', () => {
  expect(segments('#lit is fun, mail a#b or ##x; #Web_Dev!')).toEqual([
    { kind: 'tag', text: '#lit', tag: 'lit' },
    { kind: 'text', text: ' is fun, mail a#b or ##x; ' },
    { kind: 'tag', text: '#Web_Dev', tag: 'web_dev' },
    { kind: 'text', text: '!' },
  ]);
  expect(hashtags('#a #b #A')).toEqual(['a', 'b']);
});

test('markup is just text', () => {
  const hostile = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
  expect(segments(hostile)).toEqual([{ kind: 'text', text: hostile }]);
});

test('routes', () => {
  expect(parseRoute('/')).toEqual({ name: 'home' });
  expect(parseRoute('/public')).toEqual({ name: 'public' });
  expect(parseRoute('/messages/42')).toEqual({ name: 'message', id: '42' });
  expect(parseRoute('/messages/0')).toEqual({ name: 'not-found' });
  expect(parseRoute('/messages/1234567890123456789')).toEqual({ name: 'not-found' });
  expect(parseRoute('/users/Ada_Lovelace/followers')).toEqual({
    name: 'accounts',
    username: 'ada_lovelace',
    list: 'followers',
  });
  expect(parseRoute('/users/ada_lovelace/following/')).toEqual({
    name: 'accounts',
    username: 'ada_lovelace',
    list: 'following',
  });
  expect(parseRoute('/users/ada_lovelace/friends')).toEqual({ name: 'not-found' });
  expect(parseRoute('/tags/Lit/')).toEqual({ name: 'tag', tag: 'lit' });
  expect(parseRoute('/users/ada_lovelace')).toEqual({ name: 'user', username: 'ada_lovelace' });
  expect(parseRoute('/users/a')).toEqual({ name: 'not-found' });
  expect(parseRoute('/login')).toEqual({ name: 'login' });
  expect(parseRoute('/tags/<script>')).toEqual({ name: 'not-found' });
});
