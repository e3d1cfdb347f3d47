// The rules for the names people and bots write: tags (`#flock`) and usernames, defined here once. The
// API's schemas, the live feed's stream names, the BotSwarm CRD, the web app, the bots and the benchmark
// build theirs from these, and tests/structure/rules.test.ts fails on a copy anywhere else.
// No imports and no I/O: the web app bundles this module for the browser.

export const TAG_MIN_LENGTH = 1;
export const TAG_MAX_LENGTH = 50;
export const USERNAME_MIN_LENGTH = 3;
export const USERNAME_MAX_LENGTH = 30;

// What a stored name is made of; input may also use capitals, which are stored lower-cased.
const STORED_CHARACTERS = 'a-z0-9_';
const ANY_CASE_CHARACTERS = `A-Z${STORED_CHARACTERS}`;

const run = (characters: string, min: number, max: number) => `[${characters}]{${min},${max}}`;

// Unanchored, to compose into larger patterns (stream names, paths, an HTML `pattern` attribute).
/** A tag as stored: lower case. */
export const TAG_BODY = run(STORED_CHARACTERS, TAG_MIN_LENGTH, TAG_MAX_LENGTH);
/** A tag in any case (no `#`). */
export const ANY_CASE_TAG_BODY = run(ANY_CASE_CHARACTERS, TAG_MIN_LENGTH, TAG_MAX_LENGTH);
/** A username as stored: lower case. */
export const USERNAME_BODY = run(STORED_CHARACTERS, USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH);
/** A username in any case. */
export const ANY_CASE_USERNAME_BODY = run(ANY_CASE_CHARACTERS, USERNAME_MIN_LENGTH, USERNAME_MAX_LENGTH);

/** A tag as stored. */
export const TAG_PATTERN = `^${TAG_BODY}$`;
/** A tag as accepted: `#` optional, any case; normaliseTag gives its stored form. */
export const TAG_INPUT_PATTERN = `^#?${ANY_CASE_TAG_BODY}$`;
/** A username as stored. */
export const USERNAME_PATTERN = `^${USERNAME_BODY}$`;
/** A username as accepted: any case; normaliseUsername gives its stored form. */
export const USERNAME_INPUT_PATTERN = `^${ANY_CASE_USERNAME_BODY}$`;

const storedTag = new RegExp(TAG_PATTERN);
const tagInput = new RegExp(TAG_INPUT_PATTERN);
const storedUsername = new RegExp(USERNAME_PATTERN);
const usernameInput = new RegExp(USERNAME_INPUT_PATTERN);
const notStoredCharacter = new RegExp(`[^${STORED_CHARACTERS}]`, 'g');

export const isTag = (value: string) => storedTag.test(value);
export const isTagInput = (value: string) => tagInput.test(value);
export const isUsername = (value: string) => storedUsername.test(value);
export const isUsernameInput = (value: string) => usernameInput.test(value);

/** The stored form of an accepted tag: without its `#`, lower case. */
export const normaliseTag = (tag: string) => tag.replace(/^#/, '').toLowerCase();
/** The stored form of an accepted username: lower case. */
export const normaliseUsername = (username: string) => username.toLowerCase();
/** Lower case, `_` for every character a stored name cannot hold (for deriving names, not validating). */
export const toNameCharacters = (value: string) => value.toLowerCase().replace(notStoredCharacter, '_');

// A hashtag starts where no letter or digit (of any script), `_`, `#` or `&` comes before the `#` (so not
// inside a word, an email, another tag or an HTML entity such as `&#39;`), and is a whole tag: a longer
// run of name characters is no tag at all. The `u` flag makes \p{…} match beyond ASCII.
const HASHTAG = new RegExp(`(?<![\\p{L}\\p{N}_#&])#(${ANY_CASE_TAG_BODY})(?![${ANY_CASE_CHARACTERS}])`, 'gu');

export interface Hashtag {
  /** Where the `#` is in the text (UTF-16 index). */
  index: number;
  /** As written, with its `#`. */
  text: string;
  /** Its stored form. */
  tag: string;
}

/** Every hashtag of a text, in order, duplicates included. */
export function findHashtags(text: string): Hashtag[] {
  return [...text.matchAll(HASHTAG)].map((match) => ({
    index: match.index,
    text: match[0],
    tag: normaliseTag(match[1]!),
  }));
}

/** The distinct tags of a text's hashtags, stored form, in order of first appearance. */
export function hashtags(text: string): string[] {
  return [...new Set(findHashtags(text).map((hashtag) => hashtag.tag))];
}

/** A message's tags as the API stores them: its hashtags and the explicit tags, stored form, once each, sorted. */
export function messageTags(content: string, explicit: readonly string[] = []): string[] {
  return [...new Set([...hashtags(content), ...explicit.map(normaliseTag)])].sort();
}
