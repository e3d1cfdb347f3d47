// Values made from a schema alone: valid ones at the documented limits, and the invalid ones just past
// them. Patterns are sampled by a small regular-expression walker (anchors, literals, \xHH, classes,
// groups with alternatives, ?, *, +, {n}, {n,m}: what JSON Schema patterns in an API use).
import { randomInt } from 'node:crypto';
import type { Schema } from './openapi.ts';

type Atom = { chars: string[] } | { alternatives: Term[][] };
type Term = { atom: Atom; min: number; max: number };

const UNBOUNDED = Number.POSITIVE_INFINITY;

function parse(pattern: string): Term[][] {
  let at = 0;
  const peek = () => pattern[at];
  const escaped = (): string => {
    const c = pattern[at++]!;
    if (c === 'x') {
      const code = Number.parseInt(pattern.slice(at, at + 2), 16);
      at += 2;
      return String.fromCharCode(code);
    }
    if (c === 'd') return '0';
    return c;
  };
  const range = (from: string, to: string) =>
    Array.from({ length: to.charCodeAt(0) - from.charCodeAt(0) + 1 }, (_, i) =>
      String.fromCharCode(from.charCodeAt(0) + i),
    );
  const klass = (): string[] => {
    const chars: string[] = [];
    while (peek() !== ']') {
      let c = pattern[at++]!;
      if (c === '\\') c = escaped();
      if (peek() === '-' && pattern[at + 1] !== ']') {
        at += 1;
        let to = pattern[at++]!;
        if (to === '\\') to = escaped();
        chars.push(...range(c, to));
      } else chars.push(c);
    }
    at += 1;
    return chars;
  };
  const sequence = (): Term[][] => {
    const alternatives: Term[][] = [[]];
    while (at < pattern.length && peek() !== ')') {
      const c = pattern[at++]!;
      if (c === '^' || c === '$') continue;
      if (c === '|') {
        alternatives.push([]);
        continue;
      }
      let atom: Atom;
      if (c === '[') atom = { chars: klass() };
      else if (c === '(') {
        atom = { alternatives: sequence() };
        at += 1;
      } else if (c === '\\') atom = { chars: [escaped()] };
      else atom = { chars: [c] };
      let [min, max] = [1, 1];
      const q = peek();
      if (q === '?') [min, max] = [0, 1];
      else if (q === '*') [min, max] = [0, UNBOUNDED];
      else if (q === '+') [min, max] = [1, UNBOUNDED];
      else if (q === '{') {
        const end = pattern.indexOf('}', at);
        const [lo, hi] = pattern.slice(at + 1, end).split(',');
        min = Number(lo);
        max = hi === undefined ? min : hi === '' ? UNBOUNDED : Number(hi);
        at = end;
      }
      if (q && '?*+{'.includes(q)) at += 1;
      alternatives.at(-1)!.push({ atom, min, max });
    }
    return alternatives;
  };
  return sequence();
}

type Mode = 'shortest' | 'longest' | 'random';

function walk(alternatives: Term[][], mode: Mode, budget: number): string {
  const length = (terms: Term[], pick: 'min' | 'max') => terms.reduce((sum, term) => sum + term[pick], 0);
  const chosen =
    mode === 'shortest'
      ? alternatives.reduce((a, b) => (length(b, 'min') < length(a, 'min') ? b : a))
      : mode === 'longest'
        ? alternatives.reduce((a, b) => (length(b, 'max') > length(a, 'max') ? b : a))
        : alternatives[randomInt(alternatives.length)]!;
  let out = '';
  for (const term of chosen) {
    const max = Math.min(term.max, Math.max(term.min, budget - out.length));
    const times =
      mode === 'shortest'
        ? term.min
        : mode === 'longest'
          ? max
          : term.min + randomInt(Math.min(max, term.min + 8) - term.min + 1);
    for (let i = 0; i < times; i++) {
      out +=
        'chars' in term.atom
          ? term.atom.chars[randomInt(term.atom.chars.length)]!
          : walk(term.atom.alternatives, mode, budget - out.length);
    }
  }
  return out;
}

export function fromPattern(pattern: string, mode: Mode, maxLength = 1000): string {
  return walk(parse(pattern), mode, maxLength);
}

const letters = 'abcdefghijklmnopqrstuvwxyz';
const word = (n: number) => Array.from({ length: n }, () => letters[randomInt(letters.length)]).join('');

function email(length?: number): string {
  if (length === undefined) return `${word(10)}@example.test`;
  // Local part at most 64 and domain labels at most 63, as RFC 5321 and every email check allow.
  const local = word(64);
  const labels: string[] = [];
  let room = length - local.length - 1 - '.test'.length;
  while (room > 0) {
    const label = word(Math.min(60, room - (labels.length ? 1 : 0)));
    labels.push(label);
    room -= label.length + (labels.length > 1 ? 1 : 0);
  }
  return `${local}@${labels.join('.')}.test`;
}

/** A valid value: `size` says which end of its length or range. */
export function valid(schema: Schema, size: 'min' | 'max' | 'typical' = 'typical'): unknown {
  if (schema.enum) return size === 'max' ? schema.enum.at(-1) : schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'email') return email(size === 'max' ? schema.maxLength : undefined);
      if (schema.pattern) {
        const mode = size === 'min' ? 'shortest' : size === 'max' ? 'longest' : 'random';
        return fromPattern(schema.pattern, mode, schema.maxLength ?? 64);
      }
      const n =
        size === 'min'
          ? (schema.minLength ?? 0)
          : size === 'max'
            ? (schema.maxLength ?? 64)
            : Math.max(schema.minLength ?? 0, Math.min(12, schema.maxLength ?? 12));
      return word(n);
    }
    case 'integer':
    case 'number':
      return size === 'max'
        ? (schema.maximum ?? 1000)
        : size === 'min'
          ? (schema.minimum ?? 0)
          : (schema.minimum ?? 1);
    case 'boolean':
      return size === 'max';
    case 'array': {
      const n =
        size === 'min'
          ? (schema.minItems ?? 0)
          : size === 'max'
            ? (schema.maxItems ?? 3)
            : Math.max(schema.minItems ?? 0, 1);
      return Array.from({ length: n }, () => valid(schema.items ?? { type: 'string' }));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        out[name] = valid(property, size);
      return out;
    }
    default:
      return null;
  }
}

export interface Probe {
  what: string;
  value: unknown;
}

/** Values of every JSON type the schema does not admit. */
export function wrongTypes(schema: Schema): Probe[] {
  const types = [schema.type, ...(schema.anyOf ?? []).map((s) => s.type)].flat().filter(Boolean) as string[];
  const admits = (t: string) => types.includes(t) || (t === 'integer' && types.includes('number'));
  const probes: Probe[] = [];
  if (!admits('string')) probes.push({ what: 'a string', value: 'x' });
  if (!admits('number') && !admits('integer')) probes.push({ what: 'a number', value: 1 });
  if (admits('integer') && !admits('number')) probes.push({ what: 'a fraction', value: 1.5 });
  if (!admits('boolean')) probes.push({ what: 'a boolean', value: true });
  if (!admits('null')) probes.push({ what: 'null', value: null });
  if (!admits('array')) probes.push({ what: 'an array', value: [valid(schema)] });
  if (!admits('object')) probes.push({ what: 'an object', value: { value: valid(schema) } });
  return probes;
}

/** Values at the schema's limits (valid) and just past them (invalid). */
export function limits(schema: Schema): { valid: Probe[]; invalid: Probe[] } {
  const ok: Probe[] = [];
  const bad: Probe[] = [];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (schema.enum) {
    for (const value of schema.enum) ok.push({ what: `enum value ${JSON.stringify(value)}`, value });
    bad.push({ what: 'a value outside the enum', value: `${String(schema.enum[0])}_not_listed` });
  }
  if (type === 'string' && !schema.enum) {
    const shortest = valid(schema, 'min') as string;
    const longest = valid(schema, 'max') as string;
    ok.push({ what: `the shortest (${[...shortest].length})`, value: shortest });
    ok.push({ what: `the longest (${[...longest].length})`, value: longest });
    if (schema.minLength !== undefined && schema.minLength > 0)
      bad.push({ what: `one under minLength ${schema.minLength}`, value: 'a'.repeat(schema.minLength - 1) });
    if (schema.maxLength !== undefined)
      bad.push({
        what: `one over maxLength ${schema.maxLength}`,
        value: `${longest}${longest.at(-1) ?? 'a'}`.padEnd(schema.maxLength + 1, 'a'),
      });
    if (schema.pattern) {
      bad.push({ what: `pattern ${schema.pattern}: one character short`, value: shortest.slice(0, -1) });
      bad.push({
        what: `pattern ${schema.pattern}: one character long`,
        value: `${longest}${longest.at(-1) ?? '0'}`,
      });
      // Inside, not at an end: HTTP trims the ends of a header value.
      for (const c of [' ', '-', '.', 'é', '%', '/'])
        bad.push({
          what: `pattern ${schema.pattern}: with ${JSON.stringify(c)}`,
          value: `${shortest}${c}${shortest}`,
        });
    }
    if (schema.format === 'email') {
      for (const value of ['not-an-email', 'a@', '@example.test', 'a b@example.test'])
        bad.push({ what: `not an email: ${value}`, value });
    }
  }
  if (type === 'integer' || type === 'number') {
    if (schema.minimum !== undefined) {
      ok.push({ what: `minimum ${schema.minimum}`, value: schema.minimum });
      bad.push({ what: `below minimum ${schema.minimum}`, value: schema.minimum - 1 });
    }
    if (schema.maximum !== undefined) {
      ok.push({ what: `maximum ${schema.maximum}`, value: schema.maximum });
      bad.push({ what: `above maximum ${schema.maximum}`, value: schema.maximum + 1 });
    }
  }
  if (type === 'array') {
    ok.push({ what: 'the fewest items', value: valid(schema, 'min') });
    if (schema.maxItems !== undefined) {
      ok.push({ what: `maxItems ${schema.maxItems}`, value: valid(schema, 'max') });
      bad.push({
        what: `maxItems ${schema.maxItems} + 1`,
        value: [...(valid(schema, 'max') as unknown[]), valid(schema.items ?? {})],
      });
    }
    if (schema.minItems !== undefined && schema.minItems > 0)
      bad.push({
        what: `minItems ${schema.minItems} - 1`,
        value: (valid(schema, 'min') as unknown[]).slice(1),
      });
    if (schema.items) {
      for (const probe of wrongTypes(schema.items))
        bad.push({ what: `an item that is ${probe.what}`, value: [probe.value] });
      for (const probe of limits(schema.items).invalid)
        bad.push({ what: `an item: ${probe.what}`, value: [probe.value] });
    }
  }
  return { valid: ok, invalid: bad };
}
