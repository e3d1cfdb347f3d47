// The live feed's wire types are defined once, in shared/src/live.ts: its event types (one list), the
// message reference its events carry, and its close codes. A second definition, or a close code spelled
// as a number, is reported with its file and line. Tests may still compare against numbers; the check
// reads the source folders only.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LiveCloseCode } from '@flock/shared';
import { describe, expect, it } from 'vitest';
import { REPO, type SourceLine, sourceLines } from './source-files.ts';

const SOURCES = ['api/src', 'web/src', 'bot-agent/src', 'shared/src'];
const WIRE_TYPES = 'shared/src/live.ts';

const lines = SOURCES.flatMap((folder) => sourceLines(folder));
const outsideWireTypes = (line: SourceLine) => !line.where.startsWith(`${WIRE_TYPES}:`);
const report = (found: SourceLine[]) => found.map((line) => `${line.where}: ${line.text.trim()}`);

// The WebSocket close codes: standard (1000–1015) and the application's own (4000–4999).
const CODE = String.raw`(?:10(?:0\d|1[0-5])|4\d{3})\b`;
const CLOSE_CODE_LITERALS = [
  // close(4008, …), socket.close(1001)
  new RegExp(String.raw`\bclose\(\s*${CODE}`),
  // const GOING_AWAY = 1001, closeCode: 4001, TooSlow: 4008 (a name that says close, code or closure)
  new RegExp(String.raw`\b\w*(?:close|closure|code|going_?away)\w*\s*[:=]\s*${CODE}`, 'i'),
  // code === 1001, event.code !== 4001
  new RegExp(String.raw`\bcode\s*[!=]==?\s*${CODE}|${CODE}\s*[!=]==?\s*\w*\.?code\b`, 'i'),
];

const EVENT_TYPE = String.raw`'(?:message\.\w+|account\.deleted)'`;
const EVENT_TYPE_DEFINITIONS = [
  // unions, one line or one member a line
  new RegExp(String.raw`\|\s*${EVENT_TYPE}|${EVENT_TYPE}\s*\|`),
  // type X = 'message.created'
  new RegExp(String.raw`\btype\s+\w+\s*=\s*${EVENT_TYPE}`),
  // a list of them: ['message.created', …]
  new RegExp(String.raw`\[\s*${EVENT_TYPE}\s*,`),
  // TypeBox: Type.Literal('message.created')
  new RegExp(String.raw`Literal\(\s*${EVENT_TYPE}`),
];

describe('close codes', () => {
  it('are numbers in shared/src/live.ts alone', () => {
    const literals = lines.filter(
      (line) => outsideWireTypes(line) && CLOSE_CODE_LITERALS.some((rule) => rule.test(line.text)),
    );
    expect(report(literals)).toEqual([]);
  });

  it('are each given one name', () => {
    const codes = Object.values(LiveCloseCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(LiveCloseCode).toMatchObject({ NormalClosure: 1000, GoingAway: 1001, MessageTooBig: 1009 });
  });

  it('would be found spelled out', () => {
    const found = (text: string) => CLOSE_CODE_LITERALS.some((rule) => rule.test(text));
    expect(
      [
        "socket.close(4008, 'too slow')",
        'const GOING_AWAY = 1001;',
        'if (event.code === 4001) return;',
        'closeCode: 4029,',
      ].map(found),
    ).toEqual([true, true, true, true]);
    expect(
      ['socket.close(LiveCloseCode.GoingAway)', 'const port = 4000;', 'timeout: 1000'].map(found),
    ).toEqual([false, false, false]);
  });
});

describe('event types', () => {
  it('are listed in shared/src/live.ts (and the internal one in the outbox) alone', () => {
    const definitions = lines.filter((line) => EVENT_TYPE_DEFINITIONS.some((rule) => rule.test(line.text)));
    expect(report(definitions).map((found) => found.replace(/:\d+:.*/, ''))).toEqual([
      'api/src/live/outbox.ts',
      WIRE_TYPES,
    ]);
  });
});

/** Each object type's top-level keys: interfaces, object type aliases and TypeBox objects. */
function objectShapes(path: string): { where: string; keys: string[] }[] {
  const text = readFileSync(join(REPO, path), 'utf8');
  const start = /\binterface\s+\w+[^{=]*\{|\btype\s+\w+(?:<[^>]*>)?\s*=\s*\{|\bType\.Object\(\s*\{/g;
  const shapes: { where: string; keys: string[] }[] = [];
  for (const match of text.matchAll(start)) {
    const keys: string[] = [];
    let depth = 0;
    for (let index = match.index + match[0].length; index < text.length && depth >= 0; index++) {
      const char = text[index]!;
      if (char === '{' || char === '(' || char === '[') depth++;
      else if (char === '}' || char === ')' || char === ']') depth--;
      else if (depth === 0) {
        const key = /^(?:readonly\s+)?(\w+)\??\s*:/.exec(text.slice(index));
        if (key && /[\s{,;]/.test(text[index - 1]!)) {
          keys.push(key[1]!);
          index += key[0].length - 1;
        }
      }
    }
    shapes.push({ where: `${path}:${text.slice(0, match.index).split('\n').length}`, keys });
  }
  return shapes;
}

describe('the message reference', () => {
  const files = [...new Set(lines.map((line) => line.where.replace(/:\d+$/, '')))];
  const shapes = files.flatMap(objectShapes);

  it('finds the shapes it looks for', () => {
    const ref = shapes.find((shape) => shape.where.startsWith(WIRE_TYPES) && shape.keys.includes('author'));
    expect(ref?.keys).toEqual(['id', 'author', 'tags', 'inReplyTo']);
  });

  it('is defined once: no other type spells out (id, author, tags, inReplyTo?), with or without likeCount', () => {
    const refShaped = shapes.filter(({ keys }) => {
      const rest = keys.filter((key) => !['id', 'author', 'tags', 'inReplyTo', 'likeCount'].includes(key));
      return ['id', 'author', 'tags'].every((key) => keys.includes(key)) && rest.length === 0;
    });
    expect(refShaped.map((shape) => shape.where)).toEqual([
      expect.stringMatching(new RegExp(`^${WIRE_TYPES.replaceAll('.', '\\.')}:\\d+$`)),
    ]);
  });
});
