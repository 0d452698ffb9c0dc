import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import request from 'supertest';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { portalMiddleware } from '../../server/http/portal.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import { registerEnterprise } from '../approval/support.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { login, TEST_PASSWORD, type Session } from '../support/platform.ts';

/**
 * Every route the OpenAPI document lists, attacked over HTTP with and without a session:
 * prototype keys, lone surrogates, megabyte strings, bodies nested ten thousand deep, wrong
 * types, huge, fractional and negative-zero numbers, NaN-like strings, malformed addresses
 * and query strings. Whatever comes in, the answer is never a 5xx, never slow, always
 * `{code, message}` when refused, and nothing refused reaches the ordering log.
 */

/** a request that takes longer than this is a hang (the machine is shared and loaded) */
const BOUND_MS = 8_000;
/** event streams stay open by design */
const STREAM = /\/(stream|events)$/;

interface Route {
  method: 'get' | 'post';
  path: string;
  roles?: string[];
  keys: string[];
}

type Who = { name: string; dept: string; role: string; session?: Session };

// ------------------------------------------------------------------ hostile material

/** sends a Buffer as its bytes (supertest would otherwise turn it into JSON) */
const asIs = (b: unknown) => b as string;
const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);
const MEGA = 'あ'.repeat(350_000); // about 1 MB of UTF-8

/** Raw JSON bodies that the edge must refuse (or a route must refuse) whatever the route. */
const EDGE_BODIES: [string, string][] = [
  ['__proto__ key', '{"__proto__":{"admin":true},"name":"x"}'],
  ['nested __proto__', '{"payload":{"a":[{"__proto__":{"polluted":1}}]}}'],
  ['escaped __proto__', '{"\\u005f_proto__":{"admin":true}}'],
  ['constructor key', '{"constructor":{"prototype":{"polluted":1}}}'],
  ['prototype key', '{"payload":{"prototype":{"x":1}}}'],
  ['lone high surrogate', '{"name":"a\\ud800b","reason":"\\ud800","reasons":"\\ud800","opinion":"\\ud800","title":"\\ud800"}'],
  ['lone low surrogate in a key', '{"\\udc00":"x"}'],
  ['deep arrays', `{"payload":${deep(10_000, '[', ']')}}`],
  ['deep objects', deep(10_000, '{"a":', '}', '{}')],
  ['a megabyte string', `{"name":"${MEGA}","reason":"${MEGA}"}`],
  ['not an object', '"just a string"'],
  ['an array', '[1,2,3]'],
  ['null', 'null'],
  ['broken JSON', '{"a":'],
  ['NaN literal', '{"a":NaN}'],
];

/** Values in raw JSON that get past the edge, each wrong for nearly every field somewhere. */
const HOSTILE_VALUES = [
  '-0', '0', '1.5', '-1', '1e308', '1e400', '-1e400', '9007199254740993', '123456789012345678901234567890',
  '"NaN"', '"Infinity"', '"-Infinity"', '"-0"', '"1e400"', '"0x10"', '""', '" "', '"\\u0000"', '"a\\u0007b"', '"a\\u0000b"',
  '"=HYPERLINK(\\"http://x\\")"', '"../../etc/passwd"', '"%ZZ"', '"__proto__"', '"constructor"', '"toString"',
  'null', 'true', 'false', '[]', '{}', '[null]', '{"toString":1,"valueOf":{}}', '{"hasOwnProperty":"x"}',
  `"${'x'.repeat(100_000)}"`, `[${Array(2_000).fill('1').join(',')}]`, deep(20, '[', ']'), deep(20, '{"a":', '}', '{}'),
];
/** Values the edge itself refuses, now and then among the others. */
const EDGE_VALUES = ['"\\ud800"', '"\\udfff\\ud800"', '{"__proto__":1}', '{"constructor":{"prototype":{}}}', deep(40, '[', ']')];

const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(...EDGE_VALUES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
);

/** A raw JSON object body over a route's own field names (and a stray one), with hostile values. */
const bodyFor = (keys: string[]): fc.Arbitrary<string> =>
  fc
    .uniqueArray(fc.tuple(fc.constantFrom(...keys, 'payload', 'extra'), hostileValue), { selector: ([k]) => k, maxLength: Math.max(3, keys.length) })
    .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

/** Path parameters: one well-formed id, the rest hostile. */
const PARAMS = ['AP-1-0', 'PL-1-0', 'PR-1-0', '1', 'a'.repeat(64), '%', '%ZZ', '%E0%A4%A', '%ED%A0%80', '%00', '..%2F..%2Fetc', '__proto__', 'constructor', '-0', '1e400', 'x'.repeat(3000)];
const paramValue = fc.constantFrom(...PARAMS);

const QUERIES = [
  '', '?limit=-0', '?limit=1.5', '?limit=1e400', '?limit=NaN', '?limit=-1&before=99999999999999999999999', '?limit=%', '?before=%ZZ',
  '?limit=1&limit=2', '?limit[]=1', '?__proto__[admin]=1', '?constructor=1', '?wait=%E0%A4%A', '?wait=final&wait=none', '?q=%ED%A0%80',
  '?code=%00', '?format=csv', '?subject=%25', `?q=${'x'.repeat(10_000)}`, '?status=constructor', '?page=-0&size=1e9',
];
const queryValue = fc.constantFrom(...QUERIES);

/** Addresses that are malformed before any route is chosen. */
const ADDRESSES = [
  '/%', '/%ZZ', '/market/%E0%A4%A', '/%ED%A0%80', '/%00', '/market/%2e%2e/%2e%2e/etc/passwd', '/..%2F..%2Fpackage.json', `/${'a'.repeat(8000)}`,
  '/market/api/%', '/market/api/tx/%ZZ', '/market/api/blocks/%E0%A4%A', '/market/api/blocks?limit=%&before=%ZZ', '/openapi.json?%=%',
  '/health?x=%ED%A0%80', '/api/departments?__proto__[x]=1', '/market/api/chain/status?wait=%',
];

// ------------------------------------------------------------------ the test

describe('every route under hostile input', () => {
  let p: Platform;
  let log: LocalLog;
  let routes: Route[];
  let dist: string;
  const who: Who[] = [];
  const http = () => request(p.app.callback());

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'tongban-portal-'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>portal</title>');
    // Six departments hold every staff role; only the staff logged in below get a password.
    const keys = makeConsortium(['market', 'enforcement', 'econ', 'finance', 'audit', 'service']);
    log = new LocalLog(':memory:');
    const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
    p = await createPlatform({ keys, specs, logger: silentLogger, extraMiddleware: [portalMiddleware(dist)] });

    const staff: [string, string, string][] = [
      ['market', 'admin', 'admin'], ['market', 'approver1', 'approver'], ['market', 'inspector1', 'inspector'], ['enforcement', 'enforcer1', 'enforcer'],
      ['econ', 'policy1', 'policy'], ['econ', 'expert1', 'expert'], ['finance', 'finance1', 'finance'], ['audit', 'auditor1', 'auditor'],
      ['service', 'clerk1', 'clerk'], ['market', 'holder1', 'holder'],
    ];
    await Promise.all(
      staff.map(async ([dept, user, role]) => {
        if (user !== 'admin') await p.node(dept).submitAs('admin', 'user.register', { id: user, name: `${dept}-${user}`, role });
        await p.auths.get(dept)!.setPassword(user, TEST_PASSWORD);
      }),
    );
    const sessions = await Promise.all(staff.map(([dept, user]) => login(p, dept, user)));
    staff.forEach(([dept, user, role], i) => who.push({ name: `${dept}/${user}`, dept, role, session: sessions[i] }));
    const ent = await registerEnterprise(p, who.find((w) => w.role === 'clerk')!.session!, 4242);
    who.push({ name: 'enterprise', dept: 'service', role: 'enterprise', session: await ent.login() });

    const doc = (await http().get('/openapi.json').expect(200)).body as { paths: Record<string, Record<string, any>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method as Route['method'],
        path,
        roles: /^roles: (.*)$/.exec(op.description ?? '')?.[1].split(', '),
        keys: Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {}),
      })),
    );
    assert.ok(routes.length > 80, `the OpenAPI document lists every route (${routes.length})`);
    await quiet();
  });
  after(async () => {
    await p.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  /** Waits until the log has stopped growing (blocks cut, attestations logged). */
  async function quiet(): Promise<void> {
    let last = -1;
    while (log.length !== last) {
      last = log.length;
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  const heights = () => p.nodes.map((n) => `${n.dept}:${n.height}`).join(' ');
  let accepted = 0;
  const tally = new Map<string, number>();

  /** One request and every assertion about its answer. */
  async function attack(what: string, method: 'get' | 'post', url: string, session?: Session, raw?: string): Promise<void> {
    const before = log.length;
    let req = method === 'get' ? http().get(url) : http().post(url);
    if (session) req = req.set('Cookie', session.cookie).set('x-csrf-token', session.csrf);
    if (raw !== undefined) req = req.set('content-type', 'application/json').send(raw);
    const started = Date.now();
    let res: request.Response;
    try {
      res = await req.timeout(BOUND_MS).buffer(true);
    } catch (err) {
      assert.fail(`${what}: ${method.toUpperCase()} ${url.slice(0, 120)} did not answer within ${BOUND_MS} ms (${(err as Error).message})`);
    }
    const label = `${what}: ${method.toUpperCase()} ${url.slice(0, 120)} ${raw === undefined ? '' : raw.slice(0, 160)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
    assert.ok(res.status < 500, label);
    assert.ok(Date.now() - started < BOUND_MS, label);
    tally.set(`${res.status} ${res.body?.code}`, (tally.get(`${res.status} ${res.body?.code}`) ?? 0) + 1);
    if (res.status >= 400) {
      assert.equal(typeof res.body?.code, 'string', `a code: ${label}`);
      assert.equal(typeof res.body?.message, 'string', `a message: ${label}`);
      assert.equal(log.length, before, `refused, yet the log grew: ${label}`);
    } else if (method === 'post' && log.length !== before) {
      // Hostile values rarely make a valid action; when one does, let its block settle.
      accepted++;
      await quiet();
    }
  }

  const urlOf = (r: Route, dept: string, params: string[], query = '') => {
    let i = 0;
    return r.path.replace('{dept}', dept).replace(/\{[A-Za-z]+\}/g, () => params[i++ % params.length]) + query;
  };

  test('malformed addresses and query strings are a 4xx, with or without a session', async () => {
    const h0 = heights();
    const admin = who[0].session!;
    for (const url of ADDRESSES) {
      await attack('address', 'get', url);
      await attack('address', 'get', url, admin);
    }
    // Headers a client controls: cookies, the CSRF token, content and accept encodings.
    const headers: Record<string, string>[] = [
      { Cookie: 'tb_session_market=%; x=%ZZ' }, { Cookie: `tb_session_market=${'a'.repeat(6000)}` }, { Cookie: 'tb_session_market=__proto__' }, { Cookie: '=;;=;' }, { 'x-csrf-token': '%ED%A0%80' },
      { 'content-type': 'application/json; charset=utf-7' }, { 'content-type': 'application/json; charset=bogus' }, { 'content-type': 'application/x-www-form-urlencoded' },
      { 'accept-encoding': 'gzip;q=NaN, br;q=-1, *;q=1e400' }, { accept: '*/*;q=%' }, { 'content-type': 'text/plain' },
    ];
    for (const h of headers) {
      for (const [method, url] of [['get', '/market/api/auth/me'], ['post', '/market/api/tx'], ['post', '/market/api/auth/login'], ['get', '/market/api/blocks']] as const) {
        const before = log.length;
        let req = method === 'get' ? http().get(url) : http().post(url);
        for (const [k, v] of Object.entries(h)) req = req.set(k, v);
        const res = await (method === 'post' ? req.send('{"user":"admin","password":"x"}') : req).timeout(BOUND_MS);
        const label = `${method} ${url} ${JSON.stringify(h).slice(0, 80)} -> ${res.status} ${JSON.stringify(res.body)}`;
        assert.ok(res.status < 500, label);
        if (res.status >= 400) assert.equal(typeof res.body?.code, 'string', label);
        assert.equal(log.length, before, label);
      }
    }
    // Each GET route gets a few of the query strings, in turn, so every one is tried on several routes.
    const gets = routes.filter((r) => r.method === 'get' && !STREAM.test(r.path));
    for (const [i, r] of gets.entries()) {
      for (let j = 0; j < 4; j++) await attack('query', 'get', urlOf(r, 'market', [PARAMS[(i + j) % PARAMS.length]]) + QUERIES[(i * 4 + j) % QUERIES.length]);
    }
    assert.equal(heights(), h0, 'nothing refused moved the chain');
  });

  test('hostile JSON bodies on every route without a session: refused, the chain unchanged', async () => {
    const h0 = heights();
    const posts = routes.filter((r) => r.method === 'post');
    // Each POST route gets every body that needs no session, the megabyte ones in turn.
    for (const [i, r] of posts.entries()) {
      const bodies = EDGE_BODIES.filter(([what], j) => !/megabyte|deep/.test(what) || j % 4 === i % 4);
      for (const [what, raw] of bodies) await attack(what, 'post', urlOf(r, 'market', ['AP-1-0']), undefined, raw);
    }
    assert.equal(heights(), h0, 'nothing refused moved the chain');
    for (const path of ['/market/api/auth/login', '/market/api/auth/enterprise', '/market/api/tx', '/market/api/txs', '/market/api/approval/tx', '/market/api/payout/tx']) {
      const res = await http().post(path).set('content-type', 'application/json').send('{"__proto__":{"x":1}}');
      assert.equal(res.status, 400, path);
      assert.equal(res.body.code, 'FORBIDDEN_KEY', path);
      const lone = await http().post(path).set('content-type', 'application/json').send('{"user":"a\\ud800","payload":{"name":"\\ud800"}}');
      assert.equal(lone.status, 400, path);
      assert.equal(lone.body.code, 'ILL_FORMED_TEXT', path);
      const nested = await http().post(path).set('content-type', 'application/json').send(deep(10_000, '{"a":', '}', '{}'));
      assert.equal(nested.status, 400, path);
      assert.equal(nested.body.code, 'TOO_DEEP', path);
      // compressed bodies: garbage, an encoding nobody speaks, and a prototype key inside gzip
      const garbage = await http().post(path).set('content-type', 'application/json').set('content-encoding', 'gzip').serialize(asIs).send(Buffer.from('not gzip at all'));
      assert.deepEqual([garbage.status, garbage.body.code], [400, 'BAD_CONTENT_ENCODING'], path);
      const bogus = await http().post(path).set('content-type', 'application/json').set('content-encoding', 'x-bogus').send('{}');
      assert.deepEqual([bogus.status, bogus.body.code], [415, 'UNSUPPORTED_ENCODING'], path);
      const zipped = await http().post(path).set('content-type', 'application/json').set('content-encoding', 'gzip').serialize(asIs).send(gzipSync('{"__proto__":{"x":1}}'));
      assert.deepEqual([zipped.status, zipped.body.code], [400, 'FORBIDDEN_KEY'], path);
    }
    assert.equal(heights(), h0, 'nothing refused moved the chain');
  });

  test('hostile JSON bodies on every route with a session of each role that may use it', async () => {
    tally.clear();
    const h0 = heights();
    for (const w of who) {
      for (const [what, raw] of EDGE_BODIES.slice(0, 7)) await attack(`${w.name} ${what}`, 'post', `/${w.dept}/api/admin/proposals`, w.session, raw);
    }
    assert.equal(heights(), h0, 'nothing refused at the edge moved the chain');
    for (const [i, r] of routes.entries()) {
      if (STREAM.test(r.path)) continue;
      // at most three of the roles a route is for, in turn, so every role meets many routes
      const allowed = r.roles ? who.filter((w) => r.roles!.includes(w.role)) : [who[i % who.length]];
      const users = allowed.length <= 3 ? allowed : [0, 1, 2].map((k) => allowed[(i + k) % allowed.length]);
      for (const w of users) {
        await fc.assert(
          fc.asyncProperty(fc.array(paramValue, { minLength: 2, maxLength: 2 }), queryValue, bodyFor(r.keys), async (params, q, raw) => {
            const url = urlOf(r, w.dept, params, r.method === 'get' ? q : '');
            await attack(w.name, r.method, url, w.session, r.method === 'post' ? raw : undefined);
          }),
          { numRuns: 4, endOnFailure: true },
        );
      }
    }
    // The fuzz must reach the routes' own checks, not only the edge's.
    const EDGE = /^(400 (FORBIDDEN_KEY|ILL_FORMED_TEXT|TOO_DEEP|MALFORMED_JSON)|401 |403 )/;
    const beyond = [...tally].filter(([k]) => !EDGE.test(k)).reduce((n, [, c]) => n + c, 0);
    assert.ok(beyond > 200, `answers from the routes themselves: ${JSON.stringify([...tally])}`);
    if (accepted === 0) assert.equal(heights(), h0, 'nothing refused moved the chain');
  });
});
