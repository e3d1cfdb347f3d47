// What bots say: sentences from a built-in word list, ending in the post's hashtags. No word contains
// `#`, so the only tags a post carries are the ones picked from the pool.
import type { Random } from './random.ts';

const OPENERS = [
  'just saw',
  'thinking about',
  'nobody talks about',
  'hot take:',
  'today I learned about',
  'can we discuss',
  'still amazed by',
  'morning thoughts on',
  'a quiet moment with',
  'unpopular opinion:',
  'reminder:',
  'finally tried',
];

// biome-ignore format: a word list reads better in rows
const WORDS = [
  'birds', 'flock', 'murmuration', 'sky', 'wind', 'feathers', 'nest', 'branch', 'dawn', 'dusk',
  'river', 'meadow', 'forest', 'cloud', 'rain', 'sunlight', 'shadow', 'song', 'chorus', 'echo',
  'migration', 'north', 'south', 'journey', 'harbor', 'island', 'mountain', 'valley', 'garden', 'field',
  'coffee', 'tea', 'bread', 'soup', 'breakfast', 'picnic', 'market', 'kitchen', 'recipe', 'spice',
  'code', 'compiler', 'pipeline', 'cluster', 'container', 'pod', 'replica', 'operator', 'controller', 'queue',
  'cache', 'latency', 'throughput', 'metrics', 'dashboard', 'alert', 'deploy', 'rollback', 'release', 'schema',
  'database', 'index', 'query', 'socket', 'stream', 'event', 'feed', 'timeline', 'message', 'thread',
  'bicycle', 'train', 'tram', 'bridge', 'tunnel', 'station', 'platform', 'ticket', 'map', 'compass',
  'book', 'poem', 'chapter', 'library', 'notebook', 'pencil', 'letter', 'story', 'novel', 'essay',
  'music', 'guitar', 'piano', 'drum', 'melody', 'rhythm', 'concert', 'playlist', 'vinyl', 'radio',
  'cat', 'dog', 'fox', 'owl', 'heron', 'sparrow', 'starling', 'crow', 'swallow', 'gull',
  'quietly', 'slowly', 'suddenly', 'always', 'never', 'again', 'together', 'alone', 'early', 'late',
  'bright', 'calm', 'wild', 'gentle', 'curious', 'brave', 'tiny', 'enormous', 'ancient', 'new',
  'small', 'patient', 'restless', 'golden', 'silver', 'green', 'blue', 'warm', 'cold', 'soft',
  'and', 'with', 'over', 'under', 'beyond', 'before', 'after', 'around', 'through', 'between',
  'is', 'feels', 'looks', 'sounds', 'becomes', 'remains', 'seems', 'grows', 'moves', 'waits',
];

const CLOSERS = ['', '', '', '!', '?', '.', '...', ' :)', ' — thoughts?', ' (again)'];

/** How a reply starts: it answers someone, so it does not open like a post. */
const REPLY_OPENERS = [
  'agreed,',
  'not so sure:',
  'this!',
  'same here,',
  'interesting, but',
  'good point about',
  'ha, reminds me of',
  'well said:',
  'counterpoint:',
  'love this,',
];

/**
 * A short message of 4 to 14 words from the list, then the tags as `#hashtags`; a reply starts with a
 * reply's opener.
 */
export function composeMessage(
  random: Random,
  tags: readonly string[],
  kind: 'post' | 'reply' = 'post',
): string {
  const words = [random.pick(kind === 'reply' ? REPLY_OPENERS : OPENERS)];
  const count = random.int(4, 14);
  for (let i = 0; i < count; i++) words.push(random.pick(WORDS));
  const text = `${words.join(' ')}${random.pick(CLOSERS)}`;
  return tags.length > 0 ? `${text} ${tags.map((tag) => `#${tag}`).join(' ')}` : text;
}
