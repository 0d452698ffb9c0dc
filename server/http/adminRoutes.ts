import type Router from '@koa/router';
import { z } from 'zod';
import type { Proposal } from '../chain/contracts/governance.ts';
import { ChainError } from '../chain/errors.ts';
import { quorumOf } from '../chain/genesis.ts';
import { publicTx } from '../chain/http/chainRoutes.ts';
import type { MemberRecord, UserRecord } from '../chain/identity.ts';
import type { Metrics } from '../chain/metrics.ts';
import type { ChainNode } from '../chain/node.ts';
import { Role } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { currentUser, type AuthService } from './auth.ts';
import { approvalThroughput, gradeDistribution, hasTable, openStagesByDept } from './auditQueries.ts';
import { paging, parseWith, RouteKit } from './routeKit.ts';
import { staffAction } from './staffAction.ts';
import { userDisable, userRegister } from '../chain/contracts/users.ts';

const Page = paging(100, 20).extend({
  status: z.enum(['open', 'done']).optional(),
});
const Propose = z.strictObject({ type: z.string().min(1).max(64), params: z.record(z.string(), z.unknown()), note: z.string().trim().max(500).optional() });
const TxIdParam = z.string().regex(/^[0-9a-f]{64}$/, 'a proposal id is its 64-character transaction id');
const UserId = z.string().regex(/^[a-z0-9_.-]{2,64}$/, 'a user id is 2-64 lowercase letters, digits, dot, dash or underscore');
const RegisterUser = z.strictObject({
  id: UserId,
  name: z.string().trim().min(1).max(64),
  role: Role.exclude(['node', 'enterprise']),
  /** the first portal password, kept on this node only; the node's password policy decides. Not needed to change the role of, or re-enable, someone who has one. */
  password: z.string().min(1).max(200).optional(),
});
const AccountEventsQuery = z.object({ user: UserId.optional() });
const STATS_READERS = ['admin', 'approver', 'auditor', 'inspector', 'enforcer', 'clerk', 'policy'] as const;

/** What a staff action answers: the transaction, its receipt, and whether it is final yet. */
const outcome = (node: ChainNode, row: TxRow) => ({ id: row.id, receipt: publicTx(row), final: row.height <= node.finalHeight });

/**
 * The department administrator's work: the consortium's members and their node keys,
 * governance proposals (propose, approve, see how far each is from the quorum), the
 * department's staff (register, disable: disabling also ends every session of that person on
 * this node), and the node's health. Every change is a transaction the node signs for the
 * signed-in administrator, checked against state before it is ordered (a refused one writes
 * nothing). Also the aggregate charts for approvers and administrators.
 */
export function adminRoutes(node: ChainNode, auth: AuthService, metrics: Metrics): Router {
  const r = new RouteKit();

  async function members() {
    const rows = await node.store.scan('member/');
    return rows.map((m) => m.value as MemberRecord);
  }

  r.get('/admin/members', { summary: 'Member departments (active and removed), their node keys, the quorum.', roles: ['admin', 'auditor'] }, async (ctx) => {
    const list = await members();
    const status = await node.status();
    const attested = new Map(status.members.map((m) => [m.dept, m.lastAttested]));
    ctx.body = {
      quorum: quorumOf(list.filter((m) => m.active).length),
      items: list.map((m) => ({ dept: m.dept, name: m.name, nameEn: m.nameEn, nodeKey: m.nodeKey, active: m.active, self: m.dept === node.dept, lastAttested: attested.get(m.dept) ?? null })),
    };
  });

  r.get('/admin/proposals', { summary: 'Governance proposals, newest first, with approvals against the quorum; ?status=open|done.', roles: ['admin'], query: Page }, async (ctx, { query: p }) => {
    // Proposals are few (one per consortium decision); the whole set is read and paged here.
    const all = (await node.store.scan('gov/proposal/', 10_000)).map((x) => x.value as Proposal);
    const active = (await members()).filter((m) => m.active).map((m) => m.dept);
    const list = all.filter((x) => !p.status || x.status === p.status).sort((a, b) => b.height - a.height || (a.id < b.id ? -1 : 1));
    const page = list.slice(p.offset, p.offset + p.limit);
    const notes = await Promise.all(page.map(async (x) => {
      const row = await node.store.tx(x.id);
      try {
        return row ? ((JSON.parse(row.raw) as { payload?: { note?: string } }).payload?.note ?? null) : null;
      } catch {
        return null;
      }
    }));
    ctx.body = {
      total: list.length,
      quorum: quorumOf(active.length),
      members: active,
      items: page.map((x, i) => ({ ...x, note: notes[i], counted: x.approvals.filter((d) => active.includes(d)).length, approvedByUs: x.approvals.includes(node.dept) })),
    };
  });

  const port = node.modulePort();
  const gov = (kind: string) => node.registry.get(kind);

  staffAction(r, port, gov('gov.propose'), {
    path: '/admin/proposals',
    summary: 'Propose a consortium change (member.add, member.remove, member.rotateKey, credit.setWeights, approval.setRules, approval.setProcess, …); this department approves it by proposing.',
    body: Propose,
    payload: (body) => (body.note ? body : { type: body.type, params: body.params }),
    status: 201,
    respond: (row) => outcome(node, row),
  });

  staffAction(r, port, gov('gov.approve'), {
    path: '/admin/proposals/:id/approve',
    summary: 'Approve another department\'s proposal on behalf of this department.',
    body: z.object({}),
    from: { id: 'proposal' },
    params: { id: TxIdParam },
    payload: async ({ proposal }) => {
      // Keys from a multi-party ceremony are approved only after this node verified the transcript
      // itself: that is the privacy module's approval, never a bare vote.
      const prop = await node.view().get<{ type: string; params?: { ceremonies?: Record<string, string> } }>(`gov/proposal/${proposal}`);
      if (prop?.type === 'privacy.setVerificationKeys' && prop.params?.ceremonies && Object.keys(prop.params.ceremonies).length) {
        throw new ChainError('CEREMONY_VERIFY_FIRST', 'keys from a setup ceremony are approved with POST /<dept>/api/privacy/keys/approve, which verifies the whole transcript on this node first', { status: 409 });
      }
      return { proposal };
    },
    respond: (row) => ({ ...outcome(node, row), applied: row.events.some((e) => e.type === 'gov.applied') }),
  });

  r.get('/admin/users', { summary: 'Staff of this department as the chain knows them, with whether each has a portal password here.', roles: ['admin'] }, async (ctx) => {
    const users = (await node.store.scan(`user/${node.dept}/`, 10_000)).map((u) => u.value as UserRecord);
    const withPassword = new Set((await node.db('auth_passwords').select('user_id')).map((x: { user_id: string }) => x.user_id));
    const mustChange = await auth.mustChangeIds();
    ctx.body = { items: users.map((u) => ({ ...u, hasPassword: withPassword.has(u.id), mustChangePassword: mustChange.has(u.id), self: u.id === currentUser(ctx).id })) };
  });

  staffAction(r, port, userRegister, {
    path: '/admin/users',
    summary: 'Register (or re-enable, or change the role of) a staff member of this department; a first password for someone who has none here.',
    body: RegisterUser,
    // before the transaction, so a refused or missing password writes nothing
    payload: async ({ password, ...user }) => {
      if (password) auth.checkPolicy(user.id, password);
      else if (!(await auth.hasPassword(user.id))) throw new ChainError('PASSWORD_REQUIRED', `${user.id} 在本节点还没有口令，请设置初始口令 / ${user.id} has no password on this node yet: give a first one`, { status: 400 });
      return user;
    },
    status: 201,
    respond: async (row, body) => {
      if (body.password) await auth.setPassword(body.id, body.password);
      return outcome(node, row);
    },
  });

  staffAction(r, port, userDisable, {
    path: '/admin/users/:id/disable',
    summary: 'Disable a staff member: no later transaction in their name, and every session of theirs here ends now.',
    from: { id: 'id' },
    params: { id: UserId },
    respond: async (row, body) => {
      await auth.logoutEverywhere(body.id);
      return { ...outcome(node, row), sessionsEnded: true };
    },
  });

  r.post('/admin/users/:id/password-reset', { summary: 'Reset a colleague\'s password: a one-time password, answered once, that they must change at the next sign-in; every session of theirs here ends. Recorded in GET /admin/account-events.', roles: ['admin'], params: { id: UserId } }, async (ctx, { params, user }) => {
    const id = parseWith(UserId, params.id, 'user');
    ctx.body = { user: id, ...(await auth.resetPassword(user.id, id, ctx.ip)) };
  });

  r.get('/admin/account-events', { summary: 'Password changes and resets on this node, newest first (who, whose, when, from where); ?user= for one person.', roles: ['admin'], query: AccountEventsQuery }, async (ctx, { query }) => {
    ctx.body = { items: await auth.accountEvents.list({ target: query.user }) };
  });

  r.get('/admin/health', { summary: 'This node: height, finality, halt, members\' attestations, counters, recent block times and sizes, process memory.', roles: ['admin'] }, async (ctx) => {
    const status = await node.status();
    const blocks = await node.store.latestBlocks(60);
    const counters = await metrics.registry.getMetricsAsJSON();
    const mine = (name: string) =>
      (counters.find((m) => m.name === name)?.values ?? []).filter((v) => v.labels.dept === node.dept).map((v) => ({ labels: v.labels, value: v.value }));
    const mem = process.memoryUsage();
    ctx.body = {
      status,
      lag: status.height - status.finalHeight,
      txs: mine('tongban_txs_total'),
      submits: mine('tongban_submits_total'),
      blocks: blocks.map((b) => ({ height: b.height, time: b.header.time, txCount: b.header.txCount })).reverse(),
      process: { uptimeSeconds: Math.round(process.uptime()), rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
    };
  });

  // Aggregates for the approval charts: no enterprise is named, so every working role may see them.
  r.get('/stats/approvals', { summary: 'Approval throughput over time (from the ledger) and open/overdue stages per department (against block time).', roles: STATS_READERS }, async (ctx) => {
    if (!(await hasTable(node.db, 'ap_stages'))) throw new ChainError('NO_MODULE', 'the approval module does not run on this node', { status: 404 });
    const now = (await node.store.blockByHeight(node.height))?.header.time ?? 0;
    ctx.body = { asOf: now, throughput: await approvalThroughput(node.store, now), stages: await openStagesByDept(node.db, now) };
  });

  r.get('/stats/credit', { summary: 'How many enterprises hold each credit grade.', roles: STATS_READERS }, async (ctx) => {
    if (!(await hasTable(node.db, 'ap_credit'))) throw new ChainError('NO_MODULE', 'the approval module does not run on this node', { status: 404 });
    ctx.body = { grades: await gradeDistribution(node.db) };
  });

  return r.router;
}
