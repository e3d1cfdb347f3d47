// One operation's requests: path, query and header parameters and a JSON body drawn from their documented
// schemas, mostly valid, with type confusion, odd text, odd number notation and duplicated query keys.
import fc from 'fast-check';
import { oddText } from './odd-text.ts';
import type { Operation, Parameter } from './operations.ts';
import { confused, type KnownValues, loose, valid, wrong } from './schema-arbitrary.ts';

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Numbers as a query string or path can spell them, of which only plain decimals are integers. */
export const oddNumber = fc.oneof(
  fc.constantFrom('1e1', '0x10', ' 10', '10 ', '+5', '010', '1.0', '-0', '00', '1_000', '0b1', '0o7'),
  fc.constantFrom('Infinity', '-Infinity', 'NaN', '1e400', '\u00a010', '１０', '١٠', '10\u200b', '5%00'),
  fc.integer({ min: 19, max: 400 }).map((n) => '9'.repeat(n)),
  fc.integer({ min: 19, max: 400 }).map((n) => `-${'1'.repeat(n)}`),
  fc.double({ noNaN: true }).map(String),
);

/** Percent-encoding that, unlike encodeURIComponent, also encodes lone surrogates (as the invalid UTF-8 a client would send). */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value !== null && typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** A parameter's value as text: valid, known, wrong, odd. */
function parameterText(parameter: Parameter, known: KnownValues): fc.Arbitrary<string> {
  const good = known(parameter.name);
  return fc.oneof(
    { arbitrary: valid(parameter.schema).map(asText), weight: 4 },
    ...(good ? [{ arbitrary: good.map(asText), weight: 4 }] : []),
    { arbitrary: wrong(parameter.schema).map(asText), weight: 2 },
    { arbitrary: oddNumber, weight: 2 },
    { arbitrary: oddText, weight: 2 },
    { arbitrary: fc.constant(''), weight: 1 },
  );
}

/**
 * Text as it is put into a URL: encoded, or now and then raw escapes a client got wrong. A segment of
 * only dots (even %2E) is resolved away by any URL parser, naming another path: it gets a letter.
 */
const inUrl = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    {
      arbitrary: text.map((value) => percentEncode(/^\.{1,2}$/.test(value) ? `${value}x` : value)),
      weight: 12,
    },
    {
      arbitrary: fc.constantFrom('%', '%zz', '%2F', '%00', '%C0%AF', '%ED%A0%80', '%FF', '+', '%20'),
      weight: 1,
    },
  );

function pathOf(operation: Operation, known: KnownValues): fc.Arbitrary<string> {
  const names = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const byName = new Map(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p]));
  const values = names.map((name) =>
    inUrl(parameterText(byName.get(name) ?? { name, in: 'path', schema: { type: 'string' } }, known)),
  );
  return fc
    .tuple(...values)
    .map((segments) =>
      names.reduce((path, name, index) => path.replace(`{${name}}`, segments[index]!), operation.path),
    );
}

function queryOf(operation: Operation, known: KnownValues): fc.Arbitrary<string> {
  const parameters = operation.parameters.filter((p) => p.in === 'query');
  const pair = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
    fc
      .tuple(inUrl(key), inUrl(value), fc.nat({ max: 19 }))
      // Now and then a key with no `=`, as `?limit`.
      .map(([k, v, roll]) => (roll === 0 ? k : `${k}=${v}`));
  const entries = parameters.map((parameter) =>
    fc.oneof(
      { arbitrary: fc.constant([] as string[]), weight: 3 },
      {
        arbitrary: pair(fc.constant(parameter.name), parameterText(parameter, known)).map((p) => [p]),
        weight: 6,
      },
      // Duplicated keys: `?limit=1&limit=2`.
      {
        arbitrary: fc.array(pair(fc.constant(parameter.name), parameterText(parameter, known)), {
          minLength: 2,
          maxLength: 3,
        }),
        weight: 1,
      },
      // Bracketed keys, as a form library would send an array or an object.
      {
        arbitrary: pair(
          fc.constantFrom(`${parameter.name}[]`, `${parameter.name}[0]`, `${parameter.name}[a]`),
          parameterText(parameter, known),
        ).map((p) => [p]),
        weight: 1,
      },
    ),
  );
  const unknown = fc.oneof(
    { arbitrary: fc.constant([] as string[]), weight: 8 },
    {
      arbitrary: pair(fc.oneof(fc.string({ maxLength: 8 }), oddText), fc.string({ maxLength: 10 })).map(
        (p) => [p],
      ),
      weight: 1,
    },
  );
  const mixed = fc.tuple(...entries, unknown).map((groups) => groups.flat().join('&'));
  // With several parameters each often wrong, a wholly valid query would be rare: a third of them are.
  const validOnly = fc
    .tuple(
      ...parameters.map((parameter) => {
        const good = known(parameter.name);
        const value = good ? fc.oneof(valid(parameter.schema), good) : valid(parameter.schema);
        return fc.option(
          value.map((v) => `${parameter.name}=${percentEncode(asText(v))}`),
          { nil: undefined },
        );
      }),
    )
    .map((pairs) => pairs.filter((pair) => pair !== undefined).join('&'));
  return fc.oneof({ arbitrary: mixed, weight: 2 }, { arbitrary: validOnly, weight: 1 });
}

// A client can send only these in a header value; anything else is refused before the API sees it.
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').trim();

function headersOf(operation: Operation, known: KnownValues): fc.Arbitrary<Record<string, string>> {
  const parameters = operation.parameters.filter((p) => p.in === 'header');
  const entries = parameters.map((parameter) =>
    fc
      .option(parameterText(parameter, known).map(headerSafe), { freq: 3, nil: undefined })
      .map((value) => [parameter.name, value] as const),
  );
  return fc
    .tuple(...entries)
    .map((pairs) =>
      Object.fromEntries(pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined)),
    );
}

/** JSON texts no serializer writes: broken, prototype-polluting, duplicated keys, deeply nested, a BOM. */
const rawJson = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    '',
    '{',
    'null',
    '"text"',
    '[]',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"content":"a","content":"b"}',
    '\ufeff{}',
    '{"a":1}garbage',
    '{"content":"\\ud800"}',
    '{"content":"\\u0000"}',
  ),
  fc.integer({ min: 100, max: 8000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 100, max: 2500 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

function bodyOf(operation: Operation, known: KnownValues): fc.Arbitrary<string | undefined> {
  const json = (value: fc.Arbitrary<unknown>) => value.map((v) => JSON.stringify(v) ?? 'null');
  if (!operation.body) {
    return operation.method === 'GET' || operation.method === 'HEAD'
      ? fc.constant(undefined)
      : fc.option(json(confused), { freq: 8, nil: undefined });
  }
  return fc.oneof(
    { arbitrary: json(valid(operation.body, known)), weight: 3 },
    { arbitrary: json(loose(operation.body, known)), weight: 6 },
    { arbitrary: json(confused), weight: 1 },
    { arbitrary: rawJson, weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

/** Requests for one operation, auth left to the caller. */
export function requestsFor(operation: Operation, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathOf(operation, known),
      query: queryOf(operation, known),
      headers: headersOf(operation, known),
      payload: bodyOf(operation, known),
      charset: fc.boolean(),
    })
    .map(({ path, query, headers, payload, charset }) => ({
      method: operation.method,
      url: query ? `${path}?${query}` : path,
      headers:
        payload === undefined
          ? headers
          : { ...headers, 'content-type': charset ? 'application/json; charset=utf-8' : 'application/json' },
      ...(payload === undefined ? {} : { payload }),
    }));
}
