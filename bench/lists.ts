import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { demoEnterprise, prng } from '../server/approval/demo/generator.ts';
import { openCity } from './city/generate.ts';

/**
 * The portal's lists, searches and the dossier against a city made by bench/city/generate.ts:
 * p50/p95 of each kind of request over HTTP, one after another, and with --plans the query plan
 * of every distinct SQL statement those requests ran. The city is copied first, so the dossier
 * views it records and any index a newer schema adds land in the copy, and the city stays as it
 * was for the next run.
 *
 *   npx tsx bench/lists.ts --city /tmp/lists-city [--samples 200] [--plans]
 */

export interface Kind {
  name: string;
  dept: string;
  user: string;
  /** the request's path under /<dept>/api/ for sample i */
  path: (i: number) => string;
  /** follow the list's own paging to its fifth page and time that one */
  deep?: boolean;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const r1 = (x: number) => Math.round(x * 10) / 10;

/** The lists and the dossier as the portal asks for them, for a city of `n` enterprises (the scale suite times the lists too). */
export function listKinds(n: number): Kind[] {
  const rnd = prng(42);
  const purpose = encodeURIComponent('工程建设审批 前置信用与监管记录核查');
  const cycle = (xs: string[]) => (i: number) => xs[i % xs.length];
  const trade = encodeURIComponent(demoEnterprise(7).name.slice(2, 4));
  const codePrefix = demoEnterprise(11).code.slice(0, 10);
  const apps = cycle(['status=approved', 'status=in_progress&q=滨江', 'process=construction', 'q=有限公司', '']);
  const work = cycle(['', 'overdue=1', 'process=construction', `q=${trade}`, `q=${codePrefix}`]);
  return [
    { name: 'dossier', dept: 'housing', user: 'approver1', path: () => `approval/dossier/${demoEnterprise(Math.floor(rnd() * n)).code}?purpose=${purpose}` },
    { name: 'applications (scale.list)', dept: 'service', user: 'clerk1', path: (i) => `approval/applications?${apps(i)}&limit=20` },
    { name: 'applications, 5th page', dept: 'service', user: 'clerk1', path: () => 'approval/applications?limit=20', deep: true },
    { name: 'worklist', dept: 'housing', user: 'approver1', path: (i) => `approval/worklist?${work(i)}&limit=20` },
    { name: 'worklist, 5th page', dept: 'housing', user: 'approver1', path: () => 'approval/worklist?limit=20', deep: true },
    { name: 'inspections', dept: 'market', user: 'inspector1', path: cycle(['approval/inspections?limit=20', 'approval/inspections?status=done&limit=20', `approval/inspections?q=${trade}&limit=20`]) },
    { name: 'cases', dept: 'enforcement', user: 'enforcer1', path: cycle(['approval/cases?limit=20', 'approval/cases?status=open&limit=20', `approval/cases?q=${codePrefix}&limit=20`]) },
    { name: 'enterprises (search)', dept: 'service', user: 'clerk1', path: cycle([`approval/enterprises?q=${trade}&limit=20`, `approval/enterprises?q=${codePrefix}&limit=20`, 'approval/enterprises?limit=20']) },
    { name: 'my-work (home counts)', dept: 'housing', user: 'approver1', path: () => 'approval/my-work' },
    { name: 'payout awards', dept: 'finance', user: 'finance1', path: cycle(['payout/awards?limit=20', 'payout/awards?status=payable&limit=20']) },
    // again at the end, once the nodes have settled after opening (an upgrade builds its indexes then)
    { name: 'dossier, again last', dept: 'housing', user: 'approver1', path: () => `approval/dossier/${demoEnterprise(Math.floor(rnd() * n)).code}?purpose=${purpose}` },
    { name: 'privacy enterprises', dept: 'econ', user: 'policy1', path: cycle([`privacy/enterprises?q=${trade}`, `privacy/enterprises?q=${codePrefix}`]) },
  ];
}

export async function measureLists(city: string, samples: number, plans: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'tb-lists-'));
  cpSync(city, dir, { recursive: true });
  const t0 = performance.now();
  const p = await openCity(dir);
  const openSeconds = (performance.now() - t0) / 1000;
  const seen = new Map<string, { db: Knex; sql: string; bindings: unknown[] }>();
  try {
    const server = await p.listen(0);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // the city's own enterprises (bench/city/inflate.ts adds copies under codes of their own, which have no dossier)
    const n = Number(((await p.node('service').db('ap_enterprises').where('code', 'like', '91%').count({ c: '*' })) as { c: number }[])[0].c);
    const cookies = new Map<string, string>();
    const cookieOf = async (dept: string, user: string) => {
      const key = `${dept}/${user}`;
      if (!cookies.has(key)) {
        const res = await fetch(`${base}/${dept}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: 'city-password-1' }) });
        if (!res.ok) throw new Error(`login ${key}: ${res.status}`);
        cookies.set(key, res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '));
      }
      return cookies.get(key)!;
    };
    const get = async (url: string, cookie: string) => {
      const r = await fetch(url, { headers: { cookie } });
      const body = await r.text();
      if (!r.ok) throw new Error(`${url}: ${r.status} ${body.slice(0, 200)}`);
      return JSON.parse(body) as { items?: unknown[]; next?: string | null };
    };
    /** The URL of a list's fifth page: by its cursor where the list gives one, else by offset. */
    const fifthPage = async (url: string, cookie: string) => {
      let next = url;
      for (let page = 1; page < 5; page++) {
        const body = await get(next, cookie);
        next = body.next ? `${url}&after=${encodeURIComponent(body.next)}` : `${url}&offset=${page * 20}`;
      }
      return next;
    };
    const rows: { kind: string; p50: number; p95: number; samples: number }[] = [];
    for (const k of listKinds(n)) {
      const cookie = await cookieOf(k.dept, k.user);
      const deepUrl = k.deep ? await fifthPage(`${base}/${k.dept}/api/${k.path(0)}`, cookie) : '';
      const db = p.node(k.dept).db;
      const capture = (q: { sql: string; bindings: unknown[] }) => {
        if (/^\s*select/i.test(q.sql) && !seen.has(`${k.dept}:${q.sql}`)) seen.set(`${k.dept}:${q.sql}`, { db, sql: q.sql, bindings: q.bindings });
      };
      db.on('query', capture);
      const out: number[] = [];
      for (let i = 0; i < samples + 10; i++) {
        const url = k.deep ? deepUrl : `${base}/${k.dept}/api/${k.path(i)}`;
        const t = performance.now();
        await get(url, cookie);
        if (i >= 10) out.push(performance.now() - t);
      }
      db.off('query', capture);
      rows.push({ kind: k.name, p50: r1(pct(out, 50)), p95: r1(pct(out, 95)), samples });
    }
    const plan: string[] = [];
    if (plans) {
      for (const [key, s] of seen) {
        if (!/ap_|pay_|pq_/.test(s.sql)) continue;
        const lines = (await s.db.raw(`explain query plan ${s.sql}`, s.bindings as Knex.RawBinding[])) as { detail: string }[];
        plan.push(`${key.split(':')[0]}: ${s.sql}\n${lines.map((l) => `    ${l.detail}`).join('\n')}`);
      }
    }
    const listed = Number(((await p.node('service').db('ap_enterprises').count({ c: '*' })) as { c: number }[])[0].c);
    return { enterprises: n, listed, openSeconds, rows, plan };
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values: a } = parseArgs({ options: { city: { type: 'string', default: 'data/city' }, samples: { type: 'string', default: '200' }, plans: { type: 'boolean', default: false } } });
  const r = await measureLists(resolve(a.city!), Number(a.samples), !!a.plans);
  console.log(`${r.enterprises} enterprises (${r.listed} in the read models); the nine nodes opened in ${r.openSeconds.toFixed(1)} s\n\n| request | p50 ms | p95 ms | samples |\n|---|---|---|---|`);
  for (const x of r.rows) console.log(`| ${x.kind} | ${x.p50} | ${x.p95} | ${x.samples} |`);
  if (r.plan.length) console.log(`\n${r.plan.join('\n\n')}`);
  process.exit(0);
}
