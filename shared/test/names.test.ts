// The name rules by example: what each pattern admits and refuses, and how hashtags are read from text.
import { describe, expect, it } from 'vitest';
import {
  findHashtags,
  hashtags,
  isTag,
  isTagInput,
  isUsername,
  isUsernameInput,
  messageTags,
  normaliseTag,
  normaliseUsername,
  TAG_MAX_LENGTH,
  TAG_MIN_LENGTH,
  toNameCharacters,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
} from '../src/names.ts';

const letters = (count: number) => 'a'.repeat(count);

describe('tags', () => {
  it('are 1 to 50 characters', () => {
    expect([TAG_MIN_LENGTH, TAG_MAX_LENGTH]).toEqual([1, 50]);
    expect(isTag('a')).toBe(true);
    expect(isTag(letters(50))).toBe(true);
    expect(isTag(letters(51))).toBe(false);
    expect(isTag('')).toBe(false);
  });

  it('are stored as lower-case letters, digits and underscores', () => {
    for (const tag of ['flock', 'k8s', 'web_dev', '_', '2024']) expect(isTag(tag), tag).toBe(true);
    for (const tag of ['Flock', '#flock', 'web-dev', 'a b', 'ümlaut', 'é', 'a.b', '🐦'])
      expect(isTag(tag), tag).toBe(false);
  });

  it('are accepted with or without #, in any case, and normalised to the stored form', () => {
    for (const tag of ['Flock', '#flock', '#Web_Dev', `#${letters(50)}`])
      expect(isTagInput(tag), tag).toBe(true);
    for (const tag of ['##flock', '#', '', 'web-dev', 'ümlaut', `#${letters(51)}`, 'flock#'])
      expect(isTagInput(tag), tag).toBe(false);
    expect(normaliseTag('#Web_Dev')).toBe('web_dev');
    expect(normaliseTag('flock')).toBe('flock');
    expect(isTag(normaliseTag('#Web_Dev'))).toBe(true);
  });
});

describe('usernames', () => {
  it('are 3 to 30 characters', () => {
    expect([USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH]).toEqual([3, 30]);
    expect(isUsername('ada')).toBe(true);
    expect(isUsername(letters(30))).toBe(true);
    expect(isUsername('ab')).toBe(false);
    expect(isUsername(letters(31))).toBe(false);
  });

  it('are stored in lower case and accepted in any case', () => {
    expect(isUsername('ada_lovelace')).toBe(true);
    expect(isUsername('Ada_Lovelace')).toBe(false);
    expect(isUsernameInput('Ada_Lovelace')).toBe(true);
    expect(normaliseUsername('Ada_Lovelace')).toBe('ada_lovelace');
    for (const name of ['#ada', 'ada-l', 'ada l', 'adá', 'ab', letters(31)])
      expect(isUsernameInput(name), name).toBe(false);
  });

  it('can be derived from any text by replacing what a name cannot hold', () => {
    expect(toNameCharacters('Load-Test.A')).toBe('load_test_a');
    // One `_` per UTF-16 unit (🐦 is two), as bot usernames have always been derived.
    expect(toNameCharacters('ümlaut 🐦')).toBe('_mlaut___');
  });
});

describe('hashtags in text', () => {
  it('start at a word boundary and are read lower-cased, in order', () => {
    expect(findHashtags('hello #World #fastify!')).toEqual([
      { index: 6, text: '#World', tag: 'world' },
      { index: 13, text: '#fastify', tag: 'fastify' },
    ]);
    expect(hashtags('(#paren) #end. #a,#b')).toEqual(['paren', 'end', 'a', 'b']);
    expect(hashtags('#start\n#line\t#tab')).toEqual(['start', 'line', 'tab']);
  });

  it('are not read inside a word, an email, an HTML entity or another tag', () => {
    expect(hashtags('a#b mail@x#y c&#39; ##double _#under 9#nine')).toEqual([]);
  });

  it('are not read after a letter or digit of any script', () => {
    expect(hashtags('é#tag ü#tag 日本#tag ٣#tag')).toEqual([]);
    // Punctuation and symbols are boundaries, whatever their script.
    expect(hashtags('«#tag» 🐦#bird —#dash')).toEqual(['tag', 'bird', 'dash']);
  });

  it('end at the first character a tag cannot hold', () => {
    expect(hashtags('#web-dev #a.b #tagé')).toEqual(['web', 'a', 'tag']);
  });

  it('are whole: 50 characters are a tag, 51 are none', () => {
    expect(hashtags(`#${letters(50)}`)).toEqual([letters(50)]);
    expect(hashtags(`#${letters(51)}`)).toEqual([]);
    expect(hashtags('#')).toEqual([]);
  });

  it('are found again on every call (no state kept between texts)', () => {
    expect(hashtags('#one')).toEqual(['one']);
    expect(hashtags('#one')).toEqual(['one']);
  });

  it('are distinct in hashtags(), duplicates kept in findHashtags()', () => {
    expect(hashtags('#a #B #A #b')).toEqual(['a', 'b']);
    expect(findHashtags('#a #A').map((hashtag) => hashtag.tag)).toEqual(['a', 'a']);
  });
});

describe('a message’s tags', () => {
  it('merge the hashtags with the explicit tags, normalised, once each, sorted', () => {
    expect(messageTags('hello #World #fastify', ['k8s', '#World'])).toEqual(['fastify', 'k8s', 'world']);
    expect(messageTags('no tags here')).toEqual([]);
    expect(messageTags('#b #a', ['#C'])).toEqual(['a', 'b', 'c']);
  });
});
