// The tag, hashtag and username rules live in shared/src/names.ts alone. A regular expression or pattern
// string anywhere else that spells one out again (its lengths, its character class quantified, negated or
// in a look-around, or the hashtag's look-behind) fails here with its file and line: import the rule.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TAG_MAX_LENGTH, TAG_MIN_LENGTH, USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '@flock/shared';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Code and configuration; prose (*.md) may quote a rule for its reader.
const SCANNED = new Set([
  '.ts',
  '.mts',
  '.cts',
  '.js',
  '.mjs',
  '.cjs',
  '.json',
  '.yaml',
  '.yml',
  '.html',
  '.sql',
]);
// Installed packages, build output and dot-folders (local data, artifacts, CI state) hold no source.
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist']);
const EXEMPT = new Map([
  ['shared/src/names.ts', 'the definition itself'],
  // Generated from shared/src/botswarm.ts (`npm run -w operator crd:generate`, checked by operator/test/
  // crd.test.ts): output of the rule, not a second definition of it.
  ['crds/botswarm.yaml', 'generated'],
  // This file: the copies below are examples the detector must recognise.
  ['tests/structure/rules.test.ts', 'examples of copies'],
  ['package-lock.json', 'generated'],
]);

const LENGTHS = [`{${TAG_MIN_LENGTH},${TAG_MAX_LENGTH}}`, `{${USERNAME_MIN_LENGTH},${USERNAME_MAX_LENGTH}}`];
// A bracket class, possibly negated, as written in a regex literal or a (possibly escaped) string.
const CLASS = /\[(\^?)((?:\\.|[^\]\\])+)\](?=(.?))/g;
const CLASS_TOKEN = /\\\\?.|.-.|./g;
// The name characters in any order: lower case only, or both cases. Unbounded runs of them (`*`, `+`) are
// other languages' identifiers too (Prometheus rule names), so only their name-shaped uses count.
const NAME_CLASSES = [
  ['0-9', '_', 'a-z'],
  ['0-9', 'A-Z', '_', 'a-z'],
].map((tokens) => tokens.join(' '));
const LOOK_AROUND = /\(\?<?[!=]$/;
// The hashtag's boundary: a look-behind refusing `#` (among others) before the `#`.
const HASHTAG_LOOK_BEHIND = /\(\?<!\[[^\]]*#[^\]]*\]\)\s*#/;
const HASHTAG_WORD = /#\(?\\{1,2}w[+*{]/;

/** Why a line spells out a name rule, or undefined when it does not. */
function ruleCopy(line: string): string | undefined {
  const length = LENGTHS.find((quantifier) => line.includes(quantifier));
  if (length) return `the length ${length}`;
  for (const match of line.matchAll(CLASS)) {
    const [whole, negated, body, next] = match;
    const tokens = [...new Set(body!.match(CLASS_TOKEN))].sort().join(' ');
    if (!NAME_CLASSES.includes(tokens)) continue;
    const before = line.slice(0, match.index);
    if (negated) return `the negated name class ${whole}`;
    if (next === '{') return `the name class with lengths: ${whole}`;
    if (LOOK_AROUND.test(before)) return `the name class in a look-around: ${whole}`;
    if (/#\(?$/.test(before)) return `the name class after #: ${whole}`;
  }
  if (HASHTAG_LOOK_BEHIND.test(line) || HASHTAG_WORD.test(line)) return 'the hashtag rule';
  return undefined;
}

function* sourceFiles(folder: string): Generator<string> {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.isFile() && SCANNED.has(extname(entry.name))) yield path;
  }
}

describe('the name rules', () => {
  it('are spelled out only in shared/src/names.ts', () => {
    const copies: string[] = [];
    let scanned = 0;
    for (const path of sourceFiles(root)) {
      const file = relative(root, path).split(sep).join('/');
      if (EXEMPT.has(file)) continue;
      scanned++;
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          const why = ruleCopy(line);
          if (why) copies.push(`${file}:${index + 1}: ${why} (import it from @flock/shared's names.ts)`);
        });
    }
    // The walk reached the workspaces (a wrong root would pass vacuously).
    expect(scanned).toBeGreaterThan(200);
    expect(copies).toEqual([]);
  });

  it('are recognised in every form the repository once held them', () => {
    const copies = [
      `export const USERNAME_PATTERN = '^[a-z0-9_]{3,30}$';`,
      `      pattern: '^[A-Za-z0-9_]{3,30}$',`,
      `      Type.Array(Type.String({ pattern: '^#?[A-Za-z0-9_]{1,50}$' }), {`,
      `export const StreamName = Type.String({ pattern: '^(public|tag:[a-z0-9_]{1,50}|user:[a-z0-9_]{3,30})$' });`,
      `const TAG = '^[a-z0-9_]{1,50}$';`,
      `                        pattern: ^[a-z0-9_]{1,50}$`,
      `  const tag = /^\\/tags\\/([A-Za-z0-9_]{1,50})$/.exec(path);`,
      `const TAG = /^#?([A-Za-z0-9_]{1,50})$/;`,
      `                    pattern: '[A-Za-z0-9_]{3,30}',`,
      `const HASHTAG = /(?<![\\p{L}\\p{N}_#&])#([A-Za-z0-9_]{1,50})(?![A-Za-z0-9_])/gu;`,
      `  return value.toLowerCase().replace(/[^a-z0-9_]/g, '_');`,
      `      ...(body.content.match(/#([a-z0-9_]{1,50})/gi) ?? []).map((t) => t.slice(1).toLowerCase()),`,
      `        params: Type.Object({ username: Type.String({ pattern: '^[A-Za-z0-9_]{3,30}$' }) }),`,
      // Other spellings of the same rules.
      `const TAGS = /#([_a-z0-9]+)/g;`,
      `const NAME = /^[a-zA-Z0-9_]{1,64}$/;`,
      `const SLUG = /[^A-Za-z0-9_]/g;`,
      `const TAG = /^\\w{1,50}$/;`,
      `const TAGS = /(?<![\\w#])#\\w+/g;`,
      `const TAGS = /#(\\w+)/g;`,
      `const END = /#tag(?![a-z0-9_])/;`,
    ];
    expect(copies.filter((line) => !ruleCopy(line))).toEqual([]);
  });

  it('leave other patterns alone', () => {
    const others = [
      `  const match = /^Bearer ([A-Za-z0-9_\\-.]+)$/i.exec(header);`,
      `const HASHED_ASSET = /[/\\\\]assets[/\\\\][^/\\\\]+-[A-Za-z0-9_-]{8,}\\.[a-z0-9]+$/;`,
      `      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',`,
      `    alert: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' },`,
      `const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';`,
      `    parse: text(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'letters, digits, "-", "_" or "." (1 to 63)'),`,
      `  .array(fc.oneof(fc.constantFrom(...SPECIAL), fc.stringMatching(/^[a-z0-9_#@]{1,6}$/)), {`,
      `  const url = '/tags/#anchor';`,
    ];
    expect(others.filter((line) => ruleCopy(line))).toEqual([]);
  });
});
