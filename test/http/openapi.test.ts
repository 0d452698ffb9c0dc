import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Router from '@koa/router';
import request from 'supertest';
import { z } from 'zod';
import { openApiDocument } from '../../server/http/openapi.ts';
import { ApprovalApplicationList, BlockList, PolicyList, Worklist } from '../../shared/wire/responses.ts';
import { docsOf, RouteKit } from '../../server/http/routeKit.ts';
import type { Platform } from '../../server/platform.ts';
import { login, startTestPlatform } from '../support/platform.ts';

type Op = { parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: unknown; responses: Record<string, { content?: unknown }> };
type Doc = { paths: Record<string, Record<string, Op>> };

/** Every route the app's routers hold: method and path in OpenAPI's form, with its path parameters. */
function liveRoutes(p: Platform): Map<string, string[]> {
  const dept = new RegExp(`^/(${p.nodes.map((n) => n.dept).join('|')})/api`);
  const out = new Map<string, string[]>();
  for (const mw of p.app.middleware as { router?: Router }[]) {
    for (const layer of mw.router?.stack ?? []) {
      if (!layer.methods.length || typeof layer.path !== 'string') continue;
      const path = layer.path.replace(dept, '/{dept}/api').replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const m of layer.methods) {
        if (m === 'HEAD') continue;
        out.set(`${m.toLowerCase()} ${path}`, layer.paramNames.map((k) => String(k.name)));
      }
    }
  }
  return out;
}

describe('the OpenAPI document, generated from the routes\' zod schemas', () => {
  let p: Platform;
  let doc: Doc;

  before(async () => {
    p = await startTestPlatform({ depts: ['market', 'econ', 'finance', 'audit'] });
    doc = (await request(p.app.callback()).get('/openapi.json').expect(200)).body as Doc;
  });
  after(() => p.stop());

  test('lists every live route with its method, path and path parameters, and no route that does not exist', () => {
    const live = liveRoutes(p);
    assert.ok(live.size > 100, `routes found on the live routers: ${live.size}`);
    const documented = new Map<string, string[]>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.set(`${method} ${path}`, (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name));
      }
    }
    const undocumented = [...live.keys()].filter((k) => !documented.has(k));
    assert.deepEqual(undocumented, [], 'live routes missing from the document');
    const dead = [...documented.keys()].filter((k) => !live.has(k));
    assert.deepEqual(dead, [], 'documented routes no router serves');
    for (const [k, params] of live) assert.deepEqual(documented.get(k), params, `path parameters of ${k}`);
  });

  test('states bodies, query parameters, responses and who may call', () => {
    const decide = doc.paths['/{dept}/api/approval/applications/{id}/stages/{stage}/decision'].post;
    assert.ok(decide.requestBody, 'a staff action documents its body');
    assert.match(JSON.stringify(decide), /roles: approver/);
    const list = doc.paths['/{dept}/api/approval/applications'].get;
    const query = (list.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name);
    for (const name of ['limit', 'offset', 'status', 'q']) assert.ok(query.includes(name), `query parameter ${name} of the applications list`);
    assert.equal((list.parameters ?? []).find((x) => x.name === 'limit')?.required, false);
    assert.ok(list.responses['200'].content, 'the applications list documents its answer');
    assert.ok(doc.paths['/{dept}/api/tx'].post.responses.default.content, 'errors are documented as {code, message}');
  });

  test('the main reads answer what their documented schemas say', async () => {
    const admin = await login(p, 'market', 'admin');
    const blocks = (await admin.get('/market/api/blocks').expect(200)).body;
    assert.ok(blocks.items.length > 0);
    BlockList.parse(blocks);
    const approver = await login(p, 'market', 'approver1');
    ApprovalApplicationList.parse((await approver.get('/market/api/approval/applications').expect(200)).body);
    Worklist.parse((await approver.get('/market/api/approval/worklist').expect(200)).body);
    PolicyList.parse((await admin.get('/market/api/payout/policies').expect(200)).body);
    // and a schema that does not fit is caught: the check can fail
    assert.throws(() => BlockList.parse({ ...blocks, height: 'x' }));
  });

  test('a staff action takes its roles and body from its contract: another role is refused, a bad body is a 400 with a code', async () => {
    const admin = await login(p, 'market', 'admin');
    const forbidden = await admin.post('/market/api/approval/licences/LC-1-1/revoke', { reason: 'x' }).expect(403);
    assert.equal(forbidden.body.code, 'FORBIDDEN');
    const approver = await login(p, 'market', 'approver1');
    const bad = await approver.post('/market/api/approval/licences/LC-1-1/revoke', { reason: 7 }).expect(400);
    assert.equal(bad.body.code, 'BAD_REQUEST');
    assert.match(bad.body.message, /reason/);
    const unknownField = await approver.post('/market/api/approval/licences/LC-1-1/revoke', { reason: 'x', licence: 'LC-2-2' }).expect(400);
    assert.equal(unknownField.body.code, 'BAD_REQUEST', 'the path fills the licence; the body may not name another');
  });

  test('docs belong to the router that built them: two kits, two documents', () => {
    const a = new RouteKit('/a');
    const b = new RouteKit('/b');
    a.get('/one/:id', { summary: 'one', roles: 'public', query: z.object({ limit: z.coerce.number().optional() }) }, () => ({}));
    b.post('/two', { summary: 'two', roles: ['admin'], body: z.object({ x: z.string() }) }, () => ({}));
    assert.deepEqual(docsOf(a.router).map((d) => d.path), ['/a/one/:id']);
    assert.deepEqual(docsOf(b.router).map((d) => d.path), ['/b/two']);
    const parent = new RouteKit('/p').mount(a.router, b.router);
    const d = openApiDocument('t', docsOf(parent.router)) as Doc;
    assert.deepEqual(Object.keys(d.paths).sort(), ['/p/a/one/{id}', '/p/b/two']);
    assert.deepEqual(d.paths['/p/a/one/{id}'].get.parameters?.map((x) => `${x.in}:${x.name}:${x.required}`), ['path:id:true', 'query:limit:false']);
  });
});
