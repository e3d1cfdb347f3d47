import { hashtags } from '@flock/shared';
import { describe, expect, it } from 'vitest';
import { messageTags } from '../src/domain/tags.ts';

describe('hashtags', () => {
  it('finds hashtags at word boundaries, lower-cased', () => {
    expect(hashtags('hello #World #fastify!')).toEqual(['world', 'fastify']);
    expect(hashtags('mail me at a#b or c&#39; or ##double')).toEqual([]);
    expect(hashtags('(#paren) #end.')).toEqual(['paren', 'end']);
  });

  it('merges explicit tags, de-duplicates and sorts', () => {
    expect(messageTags('hello #World #fastify', ['k8s', '#World'])).toEqual(['fastify', 'k8s', 'world']);
  });

  it('refuses more than ten tags in all', () => {
    expect(() => messageTags('#a #b #c #d #e #f', ['g', 'h', 'i', 'j', 'k'])).toThrow(
      /must not exceed 10 tags/,
    );
  });
});
