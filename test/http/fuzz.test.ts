import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { purposeSchema, uuidSchema } from '../../src/domain/common.schema.js';
import { ERROR_TABLE } from '../../src/http/error-table.js';
import type { Store } from '../../src/store/connect.js';
import { makeOrganisation, makeUser, signIn, startTestApp, type TestApp } from '../app.js';
import { DIALECTS } from '../dialects.js';
import { parseRouteTree } from '../routes.js';

/*
 * Throws generated malformed requests at every route the server has. Every generated request carries at least one
 * defect the route must reject, so the database must come out byte-for-byte unchanged: a valid request slipping
 * through would write, and the snapshot comparison would catch it.
 */

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'object' | 'array';

interface BodyField {
  readonly name: string;
  /** The JSON types the schema accepts for the field; undefined when the schema does not say. */
  readonly types: ReadonlySet<JsonType> | undefined;
}

interface RouteInfo {
  readonly method: string;
  /** Fastify's pattern, e.g. `/api/v1/cases/:id/notes`. */
  readonly path: string;
  readonly params: readonly string[];
  /** Fields of the JSON body schema; undefined when the route validates no body. */
  readonly bodyFields: readonly BodyField[] | undefined;
  readonly isBodyRequired: boolean;
  /** Names of the query parameters; undefined when the route validates no query string. */
  readonly queryNames: readonly string[] | undefined;
}

interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload: string | undefined;
  /** True when the request carries a defect this route validates: it must be answered with a 4xx. */
  readonly mustReject: boolean;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Route enumeration: printRoutes lists every route (hidden ones and HEAD too); the OpenAPI document says what each
// validates. Both come from the running server, so a route added tomorrow is fuzzed without touching this file.

interface OpenApiOperation {
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { readonly schema?: JsonSchema }> };
  readonly parameters?: ReadonlyArray<{ readonly in: string; readonly name: string }>;
}
interface JsonSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly properties?: Record<string, JsonSchema>;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

/** The JSON types a schema admits, or undefined when it does not restrict them (then no type is surely wrong). */
function acceptedTypes(schema: JsonSchema): Set<JsonType> | undefined {
  if (schema.type !== undefined) return new Set(typeof schema.type === 'string' ? [schema.type] : schema.type);
  if (schema.enum) return new Set(schema.enum.map(jsonTypeOf));
  if ('const' in schema) return new Set([jsonTypeOf(schema.const)]);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (!alternatives) return undefined;
  const union = new Set<JsonType>();
  for (const alternative of alternatives) {
    const types = acceptedTypes(alternative);
    if (!types) return undefined;
    for (const t of types) union.add(t);
  }
  return union;
}

async function enumerateRoutes(http: FastifyInstance): Promise<{ routes: RouteInfo[]; documented: string[] }> {
  const res = await http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  const doc = res.json() as { paths: Record<string, Record<string, OpenApiOperation>> };
  const operations = new Map<string, OpenApiOperation>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation);
    }
  }
  const routes = parseRouteTree(http.printRoutes({ commonPrefix: false })).map(({ method, path }): RouteInfo => {
    // HEAD is Fastify's shadow of GET: it validates what the GET does.
    const operation = operations.get(`${method === 'HEAD' ? 'GET' : method} ${path}`);
    const bodySchema = operation?.requestBody?.content?.['application/json']?.schema;
    const query = operation?.parameters?.filter((p) => p.in === 'query').map((p) => p.name);
    return {
      method,
      path,
      params: [...path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? ''),
      bodyFields: bodySchema
        ? Object.entries(bodySchema.properties ?? {}).map(([name, schema]) => ({ name, types: acceptedTypes(schema) }))
        : undefined,
      isBodyRequired: operation?.requestBody?.required === true,
      queryNames: query && query.length > 0 ? query : undefined,
    };
  });
  return { routes, documented: [...operations.keys()] };
}

// ---------------------------------------------------------------------------------------------------------------
// Generators. Each returns values that are defective by construction, never "probably defective".

const isUuid = (value: string): boolean => uuidSchema.safeParse(value).success;

function isParsableJson(text: string): boolean {
  try {
    // Fastify's parser drops a leading byte-order mark before JSON.parse.
    JSON.parse(text.replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
}

/** A path segment that is not a UUID once decoded. `.` and `..` are left out: clients resolve them away. */
const junkParamArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('0', '-1', 'null', 'undefined', 'NaN', '1e309', "' OR 1=1 --", '\u0000', '😀'.repeat(20), '{id}', ':id', 'me'),
    fc.uuid().map((u) => u.slice(0, -1)),
    fc.uuid().map((u) => `${u}0`),
    fc.uuid().map((u) => u.replaceAll('-', '')),
    fc.uuid().map((u) => u.replace(/[0-9a-f]$/, 'g')),
  )
  .filter((s) => !isUuid(s) && s !== '.' && s !== '..')
  .map(encodeURIComponent);

/** Longer than the router's maxParamLength (200): the router itself refuses it. */
const overlongParamArb: fc.Arbitrary<string> = fc.string({ unit: 'grapheme-ascii', minLength: 201, maxLength: 3000 }).map(encodeURIComponent);

/** Percent-encoding that does not decode: the router itself refuses it. */
const undecodableParamArb: fc.Arbitrary<string> = fc.constantFrom('%', '%zz', 'abc%2', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF');

// The router-level refusals are rarer so that they do not crowd out the ones route validation makes.
const badParamArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: junkParamArb, weight: 8 },
  { arbitrary: overlongParamArb, weight: 1 },
  { arbitrary: undecodableParamArb, weight: 1 },
);

function isValidLimit(value: string): boolean {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100;
}

type QueryPair = readonly [string, string];

/** One query-string defect: a bad limit or cursor when the route has them, an unknown key always. */
function queryDefectArb(names: readonly string[]): fc.Arbitrary<QueryPair> {
  const defects: Array<fc.Arbitrary<QueryPair>> = [
    fc.string({ maxLength: 8 }).map((suffix): QueryPair => [`__fuzz${suffix}`, 'x']),
  ];
  if (names.includes('limit')) {
    defects.push(
      fc
        .oneof(fc.constantFrom('0', '-1', 'abc', '100000', '1.5', '', 'Infinity', '101', '1e3'), fc.string({ unit: 'grapheme', maxLength: 12 }))
        .filter((v) => !isValidLimit(v))
        .map((v): QueryPair => ['limit', v]),
    );
  }
  if (names.includes('cursor')) {
    defects.push(
      fc
        .oneof(fc.constant('not-a-uuid'), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.uuid().map((u) => u.slice(1)))
        .filter((v) => !isUuid(v))
        .map((v): QueryPair => ['cursor', v]),
    );
  }
  return fc.oneof(...defects);
}

/** Noise around the defects: known names with junk values, and raw fragments that are not key=value. */
function queryNoiseArb(names: readonly string[]): fc.Arbitrary<string[]> {
  const known = names.length > 0 ? names : ['limit', 'cursor', 'q'];
  return fc.array(
    fc.oneof(
      fc.tuple(fc.constantFrom(...known), fc.string({ unit: 'grapheme', maxLength: 30 })).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
      fc.constantFrom('&', '=', '==', 'limit', 'limit=', '%', '%zz', 'a[b]=c', 'limit=5&limit=6', '__proto__=x', 'constructor=x'),
    ),
    { maxLength: 3 },
  );
}

function queryArb(route: RouteInfo): fc.Arbitrary<{ query: string; isDefective: boolean }> {
  const names = route.queryNames ?? [];
  return fc
    .tuple(route.queryNames ? fc.array(queryDefectArb(names), { minLength: 1, maxLength: 3 }) : fc.constant([]), queryNoiseArb(names))
    .chain(([defects, noise]) =>
      fc.shuffledSubarray([...defects.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`), ...noise], {
        minLength: defects.length + noise.length,
      }),
    )
    .map((parts) => ({ query: parts.length > 0 ? `?${parts.join('&')}` : '', isDefective: route.queryNames !== undefined }));
}

interface BodyCase {
  readonly contentType: string | undefined;
  readonly text: string | undefined;
  /** Rejected by the JSON parser itself, whatever the route validates. */
  readonly isParseDefect: boolean;
}

const invalidJsonArb: fc.Arbitrary<string> = fc
  .oneof(
    fc.constantFrom('{', '{"a":', "{'a':1}", 'undefined', 'NaN', '[1,]', '{"a":1}}', '{"a" 1}', '\u0000', '  ', '{"a":"\\x"}'),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.json().map((s) => `${s},`),
    fc.json().map((s) => s.slice(0, Math.max(0, s.length - 1))),
  )
  .filter((s) => !isParsableJson(s));

/** Defects Fastify's JSON parser rejects before any route code: fine for routes that validate no body. */
const parseDefectArb: fc.Arbitrary<BodyCase> = fc.oneof(
  invalidJsonArb.map((text): BodyCase => ({ contentType: 'application/json', text, isParseDefect: true })),
  fc.constant<BodyCase>({ contentType: 'application/json', text: '', isParseDefect: true }),
  // Prototype poisoning: valid JSON that the parser refuses.
  fc
    .constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}')
    .map((text): BodyCase => ({ contentType: 'application/json', text, isParseDefect: true })),
);

function wrongValueArb(types: ReadonlySet<JsonType>): fc.Arbitrary<unknown> | undefined {
  const isNumber = types.has('number') || types.has('integer');
  const candidates: Array<fc.Arbitrary<unknown>> = [];
  if (!types.has('string')) candidates.push(fc.string({ unit: 'grapheme', maxLength: 20 }));
  // No NaN or Infinity: JSON.stringify turns them into null, which a nullable field accepts.
  if (!isNumber) candidates.push(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })));
  if (!types.has('boolean')) candidates.push(fc.boolean());
  if (!types.has('null')) candidates.push(fc.constant(null));
  if (!types.has('array')) candidates.push(fc.array(fc.jsonValue(), { maxLength: 4 }));
  if (!types.has('object')) candidates.push(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue(), { maxKeys: 3 }));
  return candidates.length > 0 ? fc.oneof(...candidates) : undefined;
}

/** Any values (fc.anything) under the route's own field names: realistic shapes around the defect. */
function knownFieldsArb(fields: readonly BodyField[]): fc.Arbitrary<Record<string, unknown>> {
  if (fields.length === 0) return fc.constant({});
  return fc.dictionary(fc.constantFrom(...fields.map((f) => f.name)), fc.oneof(fc.jsonValue(), fc.anything()), { maxKeys: fields.length });
}

/** JSON bodies that a route's body schema rejects: wrong top-level type, unknown field, wrongly typed field. */
function schemaDefectArb(fields: readonly BodyField[]): fc.Arbitrary<string> {
  const wrongTopLevel = fc
    .oneof(
      fc.array(fc.jsonValue(), { maxLength: 5 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant(null),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.boolean(),
    )
    .map((v) => JSON.stringify(v));
  const unknownField = fc
    .tuple(knownFieldsArb(fields), fc.string({ maxLength: 8 }), fc.jsonValue())
    .map(([known, suffix, value]) => JSON.stringify({ ...known, [`__fuzz${suffix}`]: value }));
  const typed = fields.flatMap((f) => {
    const wrong = f.types ? wrongValueArb(f.types) : undefined;
    return wrong ? [{ name: f.name, wrong }] : [];
  });
  const wrongFieldType = typed.length
    ? fc
        .tuple(knownFieldsArb(fields), fc.constantFrom(...typed).chain((f) => f.wrong.map((value) => [f.name, value] as const)))
        .map(([known, [name, value]]) => JSON.stringify({ ...known, [name]: value }))
    : unknownField;
  return fc.oneof(wrongTopLevel, unknownField, wrongFieldType);
}

const wrongContentTypeArb = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'text/html',
  'application/jsonx',
  'application/xml',
);

function bodyArb(route: RouteInfo): fc.Arbitrary<BodyCase | undefined> {
  if (!WRITE_METHODS.has(route.method)) return fc.constant(undefined);
  if (!route.bodyFields) return parseDefectArb;
  const schemaDefect = schemaDefectArb(route.bodyFields);
  const cases: Array<fc.Arbitrary<BodyCase>> = [
    parseDefectArb,
    schemaDefect.map((text): BodyCase => ({ contentType: 'application/json', text, isParseDefect: false })),
    // The text stays schema-defective, so a parser added for this content type later still sees a bad body.
    fc.tuple(wrongContentTypeArb, schemaDefect).map(([contentType, text]): BodyCase => ({ contentType, text, isParseDefect: false })),
  ];
  if (route.isBodyRequired) cases.push(fc.constant<BodyCase>({ contentType: undefined, text: undefined, isParseDefect: false }));
  return fc.oneof(...cases);
}

/** Junk for the purpose header: now and then (the session hook refuses it before any validation), never a real purpose. */
const purposeHeaderArb = fc.oneof(
  { arbitrary: fc.constant(null), weight: 9 },
  { arbitrary: fc.string({ maxLength: 30 }).filter((s) => !purposeSchema.safeParse(s).success), weight: 1 },
);

function requestArb(route: RouteInfo, auth: Record<string, string>): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(bodyArb(route), queryArb(route), purposeHeaderArb).chain(([body, query, purpose]) => {
    const isBodyRejected = body !== undefined && (body.isParseDefect || route.bodyFields !== undefined);
    // A well-formed UUID is allowed only where the body already makes the request invalid: it lets body validation
    // of /:id routes be reached, which a bad id would otherwise always pre-empt.
    const paramArb = isBodyRejected ? fc.oneof(badParamArb, fc.uuid()) : badParamArb;
    return fc.array(paramArb, { minLength: route.params.length, maxLength: route.params.length }).map((values): FuzzRequest => {
      let path = route.path;
      // A function replacer: `$&` and friends in junk must stay literal.
      route.params.forEach((name, i) => {
        path = path.replace(`:${name}`, () => values[i] ?? '');
      });
      const isParamBad = values.some((v) => !isUuid(v));
      const headers: Record<string, string> = { ...auth };
      if (body?.contentType !== undefined) headers['content-type'] = body.contentType;
      if (purpose !== null) headers['x-opennrm-purpose'] = purpose;
      const mustReject = isBodyRejected || isParamBad || query.isDefective;
      if (WRITE_METHODS.has(route.method) && !mustReject) throw new Error(`generator bug: a possibly valid ${route.method} ${route.path}`);
      return { method: route.method, url: `${path}${query.query}`, headers, payload: body?.text, mustReject };
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Oracles.

const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
});

const STATUS_OF: Readonly<Record<string, { readonly status: number } | undefined>> = ERROR_TABLE;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(http: FastifyInstance, req: FuzzRequest): Promise<LightMyRequestResponse> {
  return http.inject({
    method: req.method,
    url: req.url,
    headers: req.headers,
    ...(req.payload === undefined ? {} : { payload: req.payload }),
  });
}

function checkResponse(req: FuzzRequest, res: LightMyRequestResponse): void {
  const where = `${req.method} ${req.url.slice(0, 200)} [${req.headers['content-type'] ?? 'no content-type'}] ${JSON.stringify(req.payload?.slice(0, 200))} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, where).toBeLessThan(500);
  if (req.mustReject) expect(res.statusCode, where).toBeGreaterThanOrEqual(400);
  // HEAD answers carry no body to check.
  if (res.statusCode < 400 || req.method === 'HEAD') return;
  expect(String(res.headers['content-type']), where).toMatch(/^application\/json/);
  const parsed = errorBodySchema.safeParse(parseJson(res.body));
  expect(parsed.success, `not the error format: ${where}`).toBe(true);
  if (parsed.success) expect(STATUS_OF[parsed.data.error.code]?.status, `code/status mismatch: ${where}`).toBe(res.statusCode);
}

/** Every row of every table of the app's schema (migration bookkeeping included), in a comparable form. */
async function snapshotDatabase(store: Store): Promise<Record<string, string[]>> {
  const schema =
    store.dialect === 'postgres' ? (await sql<{ name: string }>`select current_schema() as name`.execute(store.db)).rows[0]?.name : undefined;
  const tables = (await store.db.introspection.getTables({ withInternalKyselyTables: true }))
    // A PostgreSQL server holds other test files' schemas too.
    .filter((t) => !t.isView && (schema === undefined || t.schema === schema))
    .map((t) => t.name)
    .sort();
  const snapshot: Record<string, string[]> = {};
  for (const table of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    snapshot[table] = rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();
  }
  return snapshot;
}

// ---------------------------------------------------------------------------------------------------------------

describe.each(DIALECTS)('HTTP fuzz on %s', (dialect) => {
  let t: TestApp;
  let routes: RouteInfo[];
  let documented: string[];

  beforeAll(async () => {
    t = await startTestApp(dialect);
    const ngo = await makeOrganisation(t.app, 'Fuzz NGO');
    const coordinator = await makeOrganisation(t.app, 'Fuzz Coordinator', 'national_coordinator');
    await makeUser(t.app, ngo, 'fuzz.caseworker', 'caseworker');
    await makeUser(t.app, coordinator, 'fuzz.admin', 'system_admin');
    ({ routes, documented } = await enumerateRoutes(t.http));
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * Signs in, then fuzzes with the database compared before and after. Each batch signs in anew and stays well
   * under a minute: a session's lastSeenAt is legitimately written once a minute, and that write is not a defect.
   */
  async function fuzzSignedIn(username: string, runsFor: (route: RouteInfo) => number): Promise<number> {
    const client = await signIn(t.http, username);
    const auth = { cookie: client.cookie, 'x-csrf-token': client.csrfToken };
    const before = await snapshotDatabase(t.app.store);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['audit_events', 'sessions', 'users', 'persons', 'cases']));
    let sent = 0;
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(requestArb(route, auth), async (req) => {
          sent += 1;
          checkResponse(req, await send(t.http, req));
        }),
        { numRuns: runsFor(route) },
      );
    }
    expect(await snapshotDatabase(t.app.store)).toEqual(before);
    return sent;
  }

  it('enumerates every route from the server itself', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(routes.filter((r) => r.method !== 'HEAD').length).toBeGreaterThanOrEqual(15);
    // The two sources must agree, or the tree parser has missed routes.
    expect(keys).toEqual(expect.arrayContaining(documented));
    expect(keys).toEqual(expect.arrayContaining(['POST /api/v1/auth/login', 'PATCH /api/v1/cases/:id', 'POST /api/v1/cases/:id/notes']));
    expect(routes.find((r) => r.path === '/api/v1/persons/:id' && r.method === 'PATCH')?.bodyFields?.length).toBeGreaterThan(0);
  });

  it('answers a caseworker’s malformed requests with 4xx in the error format and writes nothing', async () => {
    const sent = await fuzzSignedIn('fuzz.caseworker', (r) => (r.method === 'HEAD' ? 3 : 10));
    expect(sent).toBeGreaterThan(200);
  }, 60_000);

  it('answers a system administrator’s malformed requests the same way', async () => {
    await fuzzSignedIn('fuzz.admin', (r) => (r.method === 'HEAD' ? 1 : 3));
  }, 60_000);

  it('answers malformed requests without a valid session or CSRF token, writing nothing', async () => {
    const client = await signIn(t.http, 'fuzz.caseworker');
    const before = await snapshotDatabase(t.app.store);
    const authArb = fc.oneof(
      fc.constant<Record<string, string>>({}),
      // A real session cookie without its CSRF token (matters for writes only).
      fc.constant<Record<string, string>>({ cookie: client.cookie }),
      fc.string({ maxLength: 40 }).map((csrf) => ({ cookie: client.cookie, 'x-csrf-token': csrf })),
      fc.string({ unit: fc.constantFrom(...'abcdefABCDEF0123456789_-'), minLength: 1, maxLength: 200 }).map((v) => ({ cookie: `opennrm_session=${v}` })),
      fc.string({ maxLength: 80 }).map((cookie) => ({ cookie })),
    );
    for (const route of routes.filter((r) => r.method !== 'HEAD')) {
      await fc.assert(
        fc.asyncProperty(authArb.chain((auth) => requestArb(route, auth)), async (req) => checkResponse(req, await send(t.http, req))),
        { numRuns: 3 },
      );
    }
    expect(await snapshotDatabase(t.app.store)).toEqual(before);
  }, 60_000);

  it('answers methods a path does not have with 404 in the error format', async () => {
    const client = await signIn(t.http, 'fuzz.caseworker');
    const auth = { cookie: client.cookie, 'x-csrf-token': client.csrfToken };
    const before = await snapshotDatabase(t.app.store);
    const paths = [...new Set(routes.map((r) => r.path))];
    const absent = paths.flatMap((path) =>
      ALL_METHODS.filter((m) => !routes.some((r) => r.path === path && r.method === m)).map((method) => ({ method, path })),
    );
    expect(absent.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...absent), badParamArb, async ({ method, path }, param) => {
        const req: FuzzRequest = { method, url: path.replace(/:\w+/g, () => param), headers: auth, payload: undefined, mustReject: true };
        checkResponse(req, await send(t.http, req));
      }),
      { numRuns: 30 },
    );
    expect(await snapshotDatabase(t.app.store)).toEqual(before);
  }, 60_000);

  it('refuses bodies over the size limit on every route that takes one', async () => {
    const client = await signIn(t.http, 'fuzz.caseworker');
    const auth = { cookie: client.cookie, 'x-csrf-token': client.csrfToken };
    const before = await snapshotDatabase(t.app.store);
    const oversize = t.app.config.bodyLimitBytes + 1024;
    // The filler is small and repeated when sending: fast-check never holds (or prints) a megabyte.
    const shapeArb = fc.record({
      filler: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
      shape: fc.constantFrom('string', 'array', 'object', 'invalid'),
    });
    for (const route of routes.filter((r) => WRITE_METHODS.has(r.method))) {
      await fc.assert(
        fc.asyncProperty(shapeArb, async ({ filler, shape }) => {
          const junk = filler.repeat(Math.ceil(oversize / filler.length));
          const payload =
            shape === 'string' ? JSON.stringify(junk) : shape === 'array' ? `[${JSON.stringify(junk)}]` : shape === 'object' ? JSON.stringify({ [route.bodyFields?.[0]?.name ?? 'x']: junk }) : junk;
          const req: FuzzRequest = {
            method: route.method,
            url: route.path.replace(/:\w+/g, 'not-a-uuid'),
            headers: { ...auth, 'content-type': 'application/json' },
            payload,
            mustReject: true,
          };
          const res = await send(t.http, req);
          checkResponse({ ...req, payload: `${payload.slice(0, 40)}… (${payload.length} characters)` }, res);
          expect(res.statusCode).toBe(413);
        }),
        { numRuns: 1 },
      );
    }
    expect(await snapshotDatabase(t.app.store)).toEqual(before);
  }, 60_000);
});
