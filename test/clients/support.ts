import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { z } from 'zod';
import { clsAll } from '../../server/chain/classification.ts';
import { defineContract } from '../../server/chain/contract.ts';
import type { ConsortiumKeys } from '../../server/chain/consortium.ts';
import type { Module } from '../../server/chain/module.ts';
import { LocalLog } from '../../server/chain/orderer/localLog.ts';
import { openDb } from '../../server/chain/store/openDb.ts';
import { clientsModule } from '../../server/clients/index.ts';
import type { RateRule } from '../../server/clients/rateLimiter.ts';
import { createModules } from '../../server/modules.ts';
import { createPlatform, type Platform } from '../../server/platform.ts';
import assert from 'node:assert/strict';
import { keygen, TongbanClient, TongbanError, type KeyPair } from '../../sdk/index.ts';
import { makeConsortium, silentLogger } from '../support/fixtures.ts';
import { login, TEST_PASSWORD, type Session } from '../support/platform.ts';

export const DEPTS = ['market', 'tax', 'hrss', 'housing'];

/** A kind an approver may submit, with nothing else to set up: `note.make` emits `note.made`. */
export const noteModule = (): Module => ({
  name: 'note',
  contracts: [
    defineContract({
      kind: 'note.make',
      payload: z.strictObject(clsAll({ text: z.string().min(1).max(100) }, 'public')),
      roles: ['approver'],
      apply(ctx, _state, p) {
        ctx.emit('note.made', { dept: ctx.actor.dept, text: p.text, by: ctx.actor.id });
      },
    }),
  ],
});

export interface ClientWorld {
  p: Platform;
  url: string;
  admin: Session;
  /** the ordering log, for records appended past every door */
  log: LocalLog;
  /** registers a client of market through the admin route and returns the SDK for it */
  client(id: string, o?: { role?: string; kinds?: string[]; events?: string[] }): Promise<{ keys: KeyPair; sdk: TongbanClient }>;
  txCount(dept?: string): Promise<number>;
  stop(): Promise<void>;
}

/** `keys`, `logFile` and `restart` start the same consortium again on the databases it had. */
export async function startClientWorld(o: { db?: (dept: string) => Promise<Knex>; rate?: RateRule; suite?: 'ed25519' | 'sm2'; keys?: ConsortiumKeys; logFile?: string; restart?: boolean } = {}): Promise<ClientWorld> {
  const keys = o.keys ?? makeConsortium(DEPTS, {}, { suite: o.suite });
  const log = new LocalLog(o.logFile ?? ':memory:');
  const specs = await Promise.all(DEPTS.map(async (dept) => ({ dept, db: o.db ? await o.db(dept) : openDb({ client: 'sqlite', filename: ':memory:' }), orderer: log })));
  const modules = () => [...createModules().filter((m) => m.name !== 'clients'), clientsModule({ rate: o.rate }), noteModule()];
  const p = await createPlatform({ keys, specs, logger: silentLogger, modules });
  for (const d of o.restart ? [] : DEPTS) {
    await p.node(d).submitAs(undefined, 'user.register', { id: 'admin', name: `${d} 管理员`, role: 'admin' }, 'receipt');
    await p.auths.get(d)!.setPassword('admin', TEST_PASSWORD);
  }
  const server = await p.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = await login(p, 'market', 'admin');
  return {
    p,
    url,
    admin,
    log,
    async client(id, c = {}) {
      const k = keygen(keys.genesis.suite);
      await admin
        .post('/market/api/admin/clients', { id, name: `系统 ${id}`, publicKey: k.publicKey, role: c.role ?? 'approver', kinds: c.kinds ?? ['note.make'], events: c.events ?? ['note.*'] })
        .expect(201);
      return { keys: k, sdk: new TongbanClient({ url, dept: 'market', clientId: id, key: k.privateKey, retries: 1 }) };
    },
    async txCount(dept = 'market') {
      const r = await p.node(dept).db('txs').count({ n: '*' }).first();
      return Number((r as { n: number | string }).n);
    },
    stop: () => p.stop(),
  };
}

/** Calls `f` and returns the TongbanError it throws (fails when it does not). */
export async function refusal(f: () => Promise<unknown>): Promise<TongbanError> {
  try {
    await f();
  } catch (e) {
    if (e instanceof TongbanError) return e;
    throw e;
  }
  assert.fail('expected a refusal');
}
