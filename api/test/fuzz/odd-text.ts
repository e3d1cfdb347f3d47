// Text a form or a client library lets through and a server must still answer sensibly: only whitespace,
// only zero-width characters, control characters, lone surrogates, bidi overrides, combining marks,
// emoji sequences and very long runs, alone or mixed into ordinary words.
import fc from 'fast-check';

const chars = (codes: number[]) => codes.map((code) => String.fromCharCode(code));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const WHITESPACE = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u3000',
];
export const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\ufeff', '\u2060'];
export const CONTROL = chars([...range(0x00, 0x1f), 0x7f, ...range(0x80, 0x9f)]);
export const LONE_SURROGATES = ['\ud800', '\udbff', '\udc00', '\udfff'];
export const BIDI = ['\u202e', '\u202d', '\u202a', '\u2066', '\u2067', '\u2069', '\u200f'];
export const COMBINING = ['\u0301', '\u0308', '\u0336', '\u20dd', '\u0489'];
export const EMOJI = ['😀', '👩‍👩‍👧‍👦', '🇫🇷', '👍🏽', '❤️', '🧑‍💻'];
/** One code point each, but 1, 2, 3 and 4 bytes of UTF-8 and 1 or 2 UTF-16 units: length limits disagree on them. */
export const WIDTHS = ['a', 'é', '\u3042', '😀'];

const SPECIAL = [
  ...WHITESPACE,
  ...ZERO_WIDTH,
  ...CONTROL,
  ...LONE_SURROGATES,
  ...BIDI,
  ...COMBINING,
  ...EMOJI,
];

const run = (alphabet: string[], maxLength = 12) =>
  fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength }).map((parts) => parts.join(''));

/** A word with special characters around and inside it. */
const mixed = fc
  .array(fc.oneof(fc.constantFrom(...SPECIAL), fc.stringMatching(/^[a-z0-9_#@]{1,6}$/)), {
    minLength: 1,
    maxLength: 8,
  })
  .map((parts) => parts.join(''));

/** Strings built of odd characters, some longer than any field allows. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  run(WHITESPACE),
  run(ZERO_WIDTH),
  run([...WHITESPACE, ...ZERO_WIDTH]),
  run(CONTROL),
  run(LONE_SURROGATES, 3),
  fc.constantFrom(...BIDI).map((bidi) => `${bidi}txet`),
  fc.nat({ max: 60 }).map((n) => `e${'\u0301'.repeat(n)}`),
  run(COMBINING),
  run(EMOJI),
  mixed,
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .record({ char: fc.constantFrom(...WIDTHS, ...ZERO_WIDTH, ' '), n: fc.integer({ min: 200, max: 5000 }) })
    .map(({ char, n }) => char.repeat(n)),
);

/** Exactly `length` code points (and one more) of each width: where code-point, UTF-16 and byte limits part. */
export const atLength = (length: number): fc.Arbitrary<string> =>
  fc
    .record({ char: fc.constantFrom(...WIDTHS, '\u0301'), over: fc.boolean() })
    .map(({ char, over }) => char.repeat(length + (over ? 1 : 0)));
