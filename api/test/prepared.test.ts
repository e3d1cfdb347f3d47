// Statements compiled once per shape give exactly what compiling them afresh gives, for every shape and
// value; a builder that does more with a value than pass it on as a parameter is refused.
import { describe, expect, it } from 'vitest';
import { compiler } from '../src/db/kysely.ts';
import { prepared } from '../src/db/prepared.ts';
import {
  type FeedValues,
  feedPageQuery,
  feedPageStatement,
  type HomeValues,
  homePageQuery,
  homePageStatement,
  postQuery,
  postStatement,
} from '../src/db/repositories/messages.ts';

const afresh = (compiled: { sql: string; parameters: readonly unknown[] }) => ({
  sql: compiled.sql,
  parameters: compiled.parameters,
});

describe('prepared statements', () => {
  it('match a fresh compilation for every shape of the feed, with the values of each call', () => {
    const calls: FeedValues[] = [
      { viewerId: 0, rows: 21 },
      { viewerId: 7, rows: 51 },
      { viewerId: 7, tag: 'birds', rows: 21 },
      { viewerId: 3, tag: 'k8s', rows: 11, before: '900' },
      { viewerId: 3, author: 'amy', after: '12', rows: 21 },
      { viewerId: 3, author: 'bob', after: '12', before: '40', rows: 2 },
      { viewerId: 9, tag: 'birds', rows: 31 },
    ];
    for (const values of calls)
      expect(afresh(feedPageStatement(values)), JSON.stringify(values)).toEqual(
        afresh(feedPageQuery(compiler, values).compile()),
      );
  });

  it('match a fresh compilation for every shape of the home timeline and of a post or reply', () => {
    const calls: HomeValues[] = [
      { viewerId: 1, rows: 21 },
      { viewerId: 2, before: '900', rows: 11 },
      { viewerId: 3, after: '12', rows: 21 },
      { viewerId: 4, after: '12', before: '40', rows: 2 },
      { viewerId: 5, rows: 101 },
    ];
    for (const values of calls)
      expect(afresh(homePageStatement(values)), JSON.stringify(values)).toEqual(
        afresh(homePageQuery(compiler, values).compile()),
      );
    for (const values of [
      { authorId: 4, content: 'a reply', tags: [], inReplyTo: '77' },
      { authorId: 5, content: 'not a reply', tags: ['x'] },
      { authorId: 6, content: 'another reply', tags: ['y'], inReplyTo: '78' },
    ])
      expect(afresh(postStatement(values)), JSON.stringify(values)).toEqual(
        afresh(postQuery(compiler, values).compile()),
      );
  });

  it('pass arrays as one parameter each', () => {
    const values = { authorId: 4, content: 'on #birds', tags: ['birds', 'flock'] };
    const statement = postStatement(values);
    expect(afresh(statement)).toEqual(afresh(postQuery(compiler, values).compile()));
    expect(statement.parameters.filter((p) => Array.isArray(p))).toEqual([
      ['birds', 'flock'],
      ['birds', 'flock'],
      ['birds', 'flock'],
    ]);
  });

  it('refuse a builder that computes with a value instead of passing it on', () => {
    const misuse = prepared(({ limit }: { limit: number }) =>
      compiler
        .selectFrom('messages')
        .select('id')
        .limit(Number(limit) + 1),
    );
    expect(() => misuse({ limit: 20 })).toThrow('prepared statement: limit not passed as parameters');
  });
});
