import { MAX_TAGS } from '@flock/shared';
import { badField } from './api-error.ts';

// A hashtag starts at a word boundary (not inside a word, an email or another tag) and is 1–50 word characters.
const HASHTAG = /(?<![\p{L}\p{N}_#&])#([A-Za-z0-9_]{1,50})(?![A-Za-z0-9_])/gu;

export function extractHashtags(content: string): string[] {
  return [...content.matchAll(HASHTAG)].map((match) => match[1]!.toLowerCase());
}

export const normaliseTag = (tag: string) => tag.replace(/^#/, '').toLowerCase();

/** The message's tags: hashtags in the text merged with the explicit ones, lower case, unique, sorted. */
export function messageTags(content: string, explicit: readonly string[] = []): string[] {
  const tags = [...new Set([...extractHashtags(content), ...explicit.map(normaliseTag)])].sort();
  if (tags.length > MAX_TAGS)
    throw badField('tags', `must not exceed ${MAX_TAGS} tags (found ${tags.length})`);
  return tags;
}
