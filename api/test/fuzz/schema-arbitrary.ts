// JSON Schema (the subset TypeBox emits into the OpenAPI document) to fast-check arbitraries: `valid`
// draws values the schema accepts, `wrong` values it should refuse (another type, out of range, a pattern
// just missed), `loose` mixes both down to each nested field. A small walker of its own: it needs only the
// keywords the document uses, and a keyword it does not know falls back to any JSON value.
import fc from 'fast-check';
import { atLength, oddText } from './odd-text.ts';

export interface Schema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
}

/** Values that a path parameter or field must sometimes hold to get past a 404 (an existing row, a password). */
export type KnownValues = (name: string) => fc.Arbitrary<unknown> | undefined;

const codePoints = (value: string) => [...value].length;

const withinLength = (schema: Schema) => (value: string) =>
  codePoints(value) >= (schema.minLength ?? 0) && codePoints(value) <= (schema.maxLength ?? Infinity);

function validString(schema: Schema): fc.Arbitrary<string> {
  const fits = withinLength(schema);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  if (schema.format === 'email')
    return fc
      .emailAddress()
      .filter(fits)
      .map((email) => email.toLowerCase());
  if (schema.format === 'date-time')
    return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 60, minLength + 60);
  const choices = [
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
    // Odd text is valid where the schema sets no pattern: only length decides.
    oddText.filter(fits),
  ];
  if (schema.maxLength !== undefined) choices.push(atLength(schema.maxLength).filter(fits));
  return fc.oneof(...choices);
}

function validNumber(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : schema.minimum;
  const max = schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : schema.maximum;
  if (!integer) return fc.double({ min: min ?? -1e9, max: max ?? 1e9, noNaN: true });
  const bounded = fc.integer({ min: min ?? -(2 ** 31), max: max ?? 2 ** 31 });
  const edges = [min, max].filter((edge): edge is number => edge !== undefined);
  return edges.length > 0 ? fc.oneof(bounded, fc.constantFrom(...edges)) : bounded;
}

function validObject(schema: Schema, known: KnownValues): fc.Arbitrary<unknown> {
  const entries = Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const good = known(name);
    const own = valid(property, known);
    // Known values are often costly (a right password is an Argon2 verification, and a deletion): a quarter.
    return [
      name,
      good ? fc.oneof({ arbitrary: own, weight: 3 }, { arbitrary: good, weight: 1 }) : own,
    ] as const;
  });
  return fc.record(Object.fromEntries(entries), { requiredKeys: schema.required ?? [] });
}

const typesOf = (schema: Schema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/** A value the schema accepts. */
export function valid(schema: Schema, known: KnownValues = () => undefined): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((member) => valid(member, known)));
  const types = typesOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => valid({ ...schema, type }, known)));
  switch (types[0]) {
    case 'string':
      return validString(schema);
    case 'integer':
      return validNumber(schema, true);
    case 'number':
      return validNumber(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(schema.items ?? {}, known), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, (schema.minItems ?? 0) + 4),
      });
    case 'object':
      return validObject(schema, known);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of another type than expected, nested or not. */
export const confused: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MIN_VALUE),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('', '0', '10', 'true', 'null', '[]', '{}', 'undefined'),
  oddText,
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 4 }),
  fc.constantFrom([], {}, [[]], [{}], { '': '' }),
  fc.object({ maxDepth: 3, maxKeys: 3 }),
  fc.letrec<{ deep: unknown }>((tie) => ({
    deep: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string(), fc.record({ a: tie('deep') })),
  })).deep,
);

/** Values the schema should refuse: constraint edges just crossed, then any other type. */
export function wrong(schema: Schema, known: KnownValues = () => undefined): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = [];
  const types = typesOf(schema);
  if (types.includes('string')) {
    const ok = validString(schema);
    near.push(
      ok.map((value) => [value]),
      ok.map((value) => `${value} `),
      ok.map((value) => value.toUpperCase()),
      ok.map((value) => `#${value}`),
      ok.map(Number),
    );
    if (schema.maxLength !== undefined) near.push(atLength(schema.maxLength + 1));
    if (schema.minLength) near.push(fc.constant('x'.repeat(schema.minLength - 1)));
  }
  if (types.includes('integer') || types.includes('number')) {
    const ok = validNumber(schema, types.includes('integer'));
    near.push(
      ok.map(String),
      ok.map((value) => value + 0.5),
    );
    if (schema.minimum !== undefined) near.push(fc.constant(schema.minimum - 1));
    if (schema.maximum !== undefined) near.push(fc.constant(schema.maximum + 1));
  }
  if (types.includes('array')) {
    const item = valid(schema.items ?? {}, known);
    near.push(
      item,
      item.map((value) => ({ 0: value })),
    );
    if (schema.maxItems !== undefined)
      near.push(fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 3 }));
  }
  if (types.includes('object') && schema.properties) {
    const ok = valid(schema, known) as fc.Arbitrary<Record<string, unknown>>;
    near.push(
      ok.map((value) => [value]),
      fc
        .record({ value: ok, key: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__proto__')) })
        .map(({ value, key }) => ({ ...value, [key]: 1 })),
    );
  }
  return near.length > 0 ? fc.oneof({ arbitrary: fc.oneof(...near), weight: 2 }, confused) : confused;
}

/**
 * Mostly valid, with any field (at any depth) sometimes wrong or holding a known value: a request that is
 * wrong in one place exercises that field's validation, not just the first check to fail.
 */
export function loose(schema: Schema, known: KnownValues = () => undefined): fc.Arbitrary<unknown> {
  if (typesOf(schema).includes('object') && schema.properties) {
    const entries = Object.entries(schema.properties).map(([name, property]) => {
      const good = known(name);
      const choices = [
        { arbitrary: loose(property, known), weight: 3 },
        { arbitrary: wrong(property, known), weight: 2 },
      ];
      if (good) choices.push({ arbitrary: good, weight: 2 });
      return [name, fc.oneof(...choices)] as const;
    });
    return fc.oneof(
      { arbitrary: fc.record(Object.fromEntries(entries), { requiredKeys: [] }), weight: 5 },
      { arbitrary: wrong(schema, known), weight: 1 },
    );
  }
  if (typesOf(schema).includes('array') && schema.items) {
    return fc.oneof(
      {
        arbitrary: fc.array(loose(schema.items, known), { maxLength: (schema.maxItems ?? 4) + 2 }),
        weight: 3,
      },
      { arbitrary: wrong(schema, known), weight: 1 },
    );
  }
  return fc.oneof(
    { arbitrary: valid(schema, known), weight: 3 },
    { arbitrary: wrong(schema, known), weight: 1 },
  );
}
