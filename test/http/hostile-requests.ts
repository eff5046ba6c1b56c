import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';

/*
 * Arbitraries of hostile HTTP requests, for the property that no input makes a service answer
 * 5xx. Each part of a request (path parameters, query, headers, body, framing) mixes values that
 * are valid (so requests get past the first check and reach deeper code), near-valid and absurd.
 */

/** Strings as they may sit in a request target: percent-encoded, or raw (sent as UTF-8). */
const targetText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength }).map(encodeURIComponent) },
    // Raw characters, except those that end the request line (Node refuses most of the rest).
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'grapheme', maxLength }).map((s) => s.replace(/[\s#?]/g, '')),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 })
        .map((bytes) => bytes.map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '%zz',
        '%',
        '%0',
        '%00',
        '%e2%82',
        '%c0%af',
        '%ff%fe',
        '%252F',
        '%2F',
        '..',
      ),
    },
  );

/** A path parameter: one of the ids that exist, any UUID in odd spellings, or anything else. */
export function idArbitrary(known: readonly string[]): fc.Arbitrary<string> {
  const spelled = (id: fc.Arbitrary<string>) =>
    fc.oneof(
      fc.mixedCase(id),
      id.map((s) => s.replaceAll('-', '')),
      id.map((s) => `{${s}}`),
      id.map((s) => `${s}%00`),
      id.map((s) => `${s}%20`),
      id.map((s) => `urn:uuid:${s}`),
    );
  return fc.oneof(
    { weight: 4, arbitrary: fc.mixedCase(fc.constantFrom(...known)) },
    { weight: 2, arbitrary: spelled(fc.oneof(fc.constantFrom(...known), fc.uuid())) },
    { weight: 1, arbitrary: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8, 15] }) },
    { weight: 2, arbitrary: targetText(40) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '0',
        '-1',
        'null',
        'a'.repeat(2_000),
        'a'.repeat(20_000),
        'é'.repeat(1_000),
      ),
    },
  );
}

/** Numbers as query and body values: big, negative, fractional, exponent, hex, full-width. */
const numberText = fc.oneof(
  fc.constantFrom(
    '99999999999999999999',
    '9223372036854775807',
    '9223372036854775808',
    '18446744073709551616',
    '-9223372036854775809',
    '-1',
    '-0',
    '0',
    '00',
    '1.5',
    '1e3',
    '1e308',
    'NaN',
    'Infinity',
    '0x10',
    ' 1',
    '１２',
    '1'.repeat(400),
  ),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.integer().map(String),
);

/** A query string: known parameters and others, repeated, as arrays, nested, or mangled. */
export function queryArbitrary(
  keys: readonly string[],
  validValues: readonly string[],
): fc.Arbitrary<string> {
  const key = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...keys) },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((k) => `${k}[]`) },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((k) => `${k}[a]`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor[prototype][x]',
        'toString',
        'a[b][c]',
        '',
      ),
    },
    { weight: 1, arbitrary: targetText(12) },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...validValues) },
    { weight: 3, arbitrary: numberText.map(encodeURIComponent) },
    { weight: 2, arbitrary: targetText(30) },
  );
  const pairs = fc.array(fc.tuple(key, value), { maxLength: 5 });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 8, arbitrary: pairs.map((p) => `?${p.map(([k, v]) => `${k}=${v}`).join('&')}`) },
    { weight: 1, arbitrary: fc.constantFrom('?', '?&&', '?=', '?a', '?%zz', '?a=1=2', '?;a=1') },
  );
}

/**
 * Header values: mostly printable ASCII, sometimes Latin-1 or control bytes (which Node's parser
 * refuses), never the bytes that end a header line.
 */
const headerText = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary-ascii', maxLength: 60 })
      .map((s) => s.replace(/[\0\r\n]/g, '')),
  },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ä\xff', '\t', ' x ') },
);

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON; Charset="UTF-8"',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=nope',
  'application/json;;;',
  'application/vnd.api+json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/*',
  '',
];

/** Credentials as `[name, value]` headers: valid ones and every kind of wrong one. */
export function authArbitrary(validKeys: readonly string[]): fc.Arbitrary<Array<[string, string]>> {
  const key = fc.constantFrom(...validKeys);
  const valid = fc.oneof(
    key.map((k): Array<[string, string]> => [['Authorization', `Bearer ${k}`]]),
    key.map((k): Array<[string, string]> => [['X-API-Key', k]]),
  );
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 1, arbitrary: invalidAuth(key) });
}

function invalidAuth(key: fc.Arbitrary<string>): fc.Arbitrary<Array<[string, string]>> {
  return fc.oneof(
    fc.constant<Array<[string, string]>>([]),
    key.map((k): Array<[string, string]> => [['authorization', `bearer  ${k} `]]),
    key.map((k): Array<[string, string]> => [
      ['Authorization', `Bearer ${k}`],
      ['Authorization', 'Bearer another'],
    ]),
    key.map((k): Array<[string, string]> => [['Authorization', `Basic ${btoa(`${k}:`)}`]]),
    fc.constantFrom<Array<[string, string]>>(
      [['Authorization', 'Bearer']],
      [['Authorization', `Bearer ${'k'.repeat(8_000)}`]],
      [['X-API-Key', '']],
    ),
    headerText.map((v): Array<[string, string]> => [['Authorization', v]]),
  );
}

/** Other headers: Content-Type, Content-Encoding, Idempotency-Key, traceparent, anything. */
export const headersArbitrary: fc.Arbitrary<Array<[string, string]>> = fc.array(
  fc.oneof(
    fc.constantFrom(...contentTypes).map((v): [string, string] => ['Content-Type', v]),
    fc
      .constantFrom('gzip', 'deflate', 'br', 'identity', 'snappy', 'gzip, gzip', 'GZIP')
      .map((v): [string, string] => ['Content-Encoding', v]),
    fc
      .oneof(fc.uuid(), headerText, fc.constantFrom('', 'k'.repeat(255), 'k'.repeat(256)))
      .map((v): [string, string] => ['Idempotency-Key', v]),
    fc
      .oneof(headerText, fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'))
      .map((v): [string, string] => ['traceparent', v]),
    fc.constantFrom<[string, string]>(
      ['Accept', '*/*'],
      ['Accept-Charset', 'utf-16'],
      ['Expect', '100-continue'],
      ['Expect', 'x'],
    ),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/), headerText),
  ),
  { maxLength: 2 },
);

/**
 * A JSON object with the endpoint's fields: each mostly valid, sometimes of another type,
 * absurd or left out, and now and then a field of its own.
 */
export function fieldsArbitrary(fields: Record<string, readonly unknown[]>): fc.Arbitrary<string> {
  const field = (valid: readonly unknown[]) =>
    fc.option(
      fc.oneof(
        { weight: 30, arbitrary: fc.constantFrom(...valid) },
        { weight: 1, arbitrary: numberText },
        { weight: 1, arbitrary: numberText.map(Number) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
        { weight: 1, arbitrary: fc.constantFrom(null, '', ' ', '\u0000', 'x'.repeat(10_000)) },
      ),
      { freq: 40, nil: undefined },
    );
  const record = fc.record(
    Object.fromEntries(Object.entries(fields).map(([name, valid]) => [name, field(valid)])),
  );
  // Now and then (1 in 12) a field the endpoint does not know.
  const extra = fc.oneof(
    { weight: 11, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })) },
  );
  return fc
    .tuple(record, extra)
    .map(([known, more]) => JSON.stringify(more ? { ...known, [more[0]]: more[1] } : known));
}

/** A body: JSON of every type, near-valid objects, broken JSON, deep nesting, huge strings. */
export function bodyArbitrary(fields: Record<string, readonly unknown[]>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 20, arbitrary: fieldsArbitrary(fields) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fieldsArbitrary(fields).map((s) => s.slice(0, -1)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"__proto__":{"amount":"1"},"constructor":{"prototype":{"isAdmin":true}}}',
        '{"constructor":"x","prototype":1,"toString":2}',
        '{"a":1,"a":2}',
        'a=1&b=2',
        '\uFEFF{}',
        '{"x":"\\ud800"}',
        '{"x":"\\u0000"}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 50_000 })
        .map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(16 * 1024 - 12, 16 * 1024 - 11, 16 * 1024, 100 * 1024, 1024 * 1024)
        .map((size) => JSON.stringify({ x: 'x'.repeat(size - 8) })),
    },
  );
}

export interface RequestShape {
  method: fc.Arbitrary<string>;
  path: fc.Arbitrary<string>;
  query: fc.Arbitrary<string>;
  auth: fc.Arbitrary<Array<[string, string]>>;
  body: fc.Arbitrary<string>;
  /** Headers the endpoint needs (e.g. Idempotency-Key), before the random ones. */
  headers?: fc.Arbitrary<Array<[string, string]>>;
  /** The body fields of well-formed requests, each with valid values (see `fieldsArbitrary`). */
  fields?: Record<string, readonly unknown[]>;
  /** The query parameters of well-formed requests, each with valid values. */
  params?: Record<string, readonly string[]>;
}

/** Each parameter at most once, mostly with a valid value, sometimes with a number of any size. */
function paramsArbitrary(params: Record<string, readonly string[]>): fc.Arbitrary<string> {
  const value = (valid: readonly string[]) =>
    fc.option(
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...valid) },
        { weight: 1, arbitrary: numberText.map(encodeURIComponent) },
      ),
      { freq: 2, nil: undefined },
    );
  return fc
    .record(Object.fromEntries(Object.entries(params).map(([name, valid]) => [name, value(valid)])))
    .map((picked) => {
      const pairs = Object.entries(picked).filter(([, v]) => v !== undefined);
      return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
    });
}

/** Mostly a fresh key, sometimes one of a few reused ones (replays, and reuse with another body). */
export const idempotencyKeyArbitrary: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 6, arbitrary: fc.uuid().map((k): Array<[string, string]> => [['Idempotency-Key', k]]) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('order-1', 'order-2', 'order-3')
      .map((k): Array<[string, string]> => [['Idempotency-Key', k]]),
  },
  { weight: 1, arbitrary: fc.constant<Array<[string, string]>>([]) },
);

/**
 * Puts the parts together. Half the requests are hostile throughout (random headers, any body,
 * gzipped or chunked now and then); the other half are well-formed (JSON content type, no
 * random headers, the endpoint's fields mostly valid), so that they reach the handlers and
 * the database rather than bouncing off the first check.
 */
export function requestArbitrary(shape: RequestShape): fc.Arbitrary<RawRequest> {
  const needed = shape.headers ?? fc.constant<Array<[string, string]>>([]);
  const hostile = fc
    .record({
      method: shape.method,
      path: shape.path,
      query: shape.query,
      auth: shape.auth,
      needed,
      headers: headersArbitrary,
      body: fc.option(shape.body, { freq: 6 }),
      json: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
      gzip: fc.integer({ min: 0, max: 9 }),
      chunked: fc.option(fc.integer({ min: 1, max: 4_096 }), { freq: 2 }),
    })
    .map(({ method, path, query, auth, needed, headers, body, json, gzip, chunked }) => {
      const all: Array<[string, string]> = [...auth, ...needed, ...headers];
      if (json && body !== null) all.unshift(['Content-Type', 'application/json']);
      let bytes = body === null ? undefined : Buffer.from(body);
      if (bytes && gzip === 0) {
        bytes = gzipSync(bytes);
        all.push(['Content-Encoding', 'gzip']);
      }
      return {
        method,
        target: `${path}${query}`,
        headers: all,
        ...(bytes && { body: bytes }),
        ...(bytes && chunked !== null && { chunked }),
      };
    });
  const wellFormed = fc
    .record({
      method: shape.method,
      path: shape.path,
      query: shape.params ? paramsArbitrary(shape.params) : fc.constant(''),
      auth: shape.auth,
      needed,
      body: fieldsArbitrary(shape.fields ?? {}),
    })
    .map(({ method, path, query, auth, needed, body }) => ({
      method,
      target: `${path}${query}`,
      headers: [['Content-Type', 'application/json'], ...auth, ...needed] as Array<
        [string, string]
      >,
      ...(method !== 'GET' && method !== 'HEAD' && { body: Buffer.from(body) }),
    }));
  // Without fast-check's bias towards small values (which picks a missing field, the first
  // choice, an empty string far more often than their weights say).
  return fc.oneof(hostile, fc.noBias(wellFormed));
}
