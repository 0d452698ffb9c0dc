import request from 'supertest';
import type { Module } from '../../server/chain/module.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import type { AuthOptions } from '../../server/http/auth.ts';
import { seedDemo } from '../../server/demo/seed.ts';
import { portalMiddleware } from '../../server/http/portal.ts';
import { makeConsortium, silentLogger } from './fixtures.ts';

export const TEST_PASSWORD = 'test-password-1';

/** A whole embedded platform in memory, with demo staff, for supertest; `portal` also serves web/dist. */
export async function startTestPlatform(o: { depts?: string[]; modules?: () => Module[]; demo?: boolean; portal?: boolean; enterprises?: number; auth?: AuthOptions } = {}): Promise<Platform> {
  const keys = makeConsortium(o.depts ?? ['market', 'tax', 'hrss', 'housing', 'enforcement', 'econ', 'finance', 'audit', 'service']);
  const log = new LocalLog(':memory:');
  const specs = keys.genesis.members.map((m) => ({ dept: m.dept, db: openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules: o.modules, extraMiddleware: o.portal ? [portalMiddleware()] : undefined, auth: o.auth });
  if (o.demo !== false) await seedDemo(p, { password: TEST_PASSWORD, enterprises: o.enterprises ?? 0 });
  return p;
}

export interface Session {
  cookie: string;
  csrf: string;
  get(path: string): request.Test;
  post(path: string, body?: unknown): request.Test;
}

/** Signs a staff user in and returns a client that sends the cookie and CSRF token. */
export async function login(p: Platform, dept: string, user: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await request(p.app.callback()).post(`/${dept}/api/auth/login`).send({ user, password }).expect(200);
  const cookie = (res.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
  const csrf = res.body.csrfToken as string;
  const agent = request(p.app.callback());
  return {
    cookie,
    csrf,
    get: (path) => agent.get(path).set('Cookie', cookie),
    post: (path, body) => agent.post(path).set('Cookie', cookie).set('x-csrf-token', csrf).send(body as object),
  };
}
