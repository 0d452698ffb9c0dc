import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { actAs } from '../chain/preflight.ts';
import type { Proposal } from '../chain/contracts/governance.ts';
import { ChainError } from '../chain/errors.ts';
import { quorumOf } from '../chain/genesis.ts';
import { publicTx } from '../chain/http/chainRoutes.ts';
import type { MemberRecord, UserRecord } from '../chain/identity.ts';
import type { Metrics } from '../chain/metrics.ts';
import type { ChainNode } from '../chain/node.ts';
import { Role } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { currentUser, requireRole, type AuthService } from './auth.ts';
import { approvalThroughput, gradeDistribution, hasTable, openStagesByDept } from './auditQueries.ts';
import { apiDocs } from './openapi.ts';

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
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
const STATS_READERS = ['admin', 'approver', 'auditor', 'inspector', 'enforcer', 'clerk', 'policy'] as const;

const doc = (method: 'get' | 'post', path: string, summary: string, roles: readonly string[], body?: z.ZodType) =>
  apiDocs.add({ method, path: `/{dept}/api${path}`, summary, roles: [...roles], body });

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
  const r = new Router();
  const act = (ctx: Context, kind: string, payload: Record<string, unknown>) => actAs(node, currentUser(ctx).id, kind, payload);

  async function members() {
    const rows = await node.store.scan('member/');
    return rows.map((m) => m.value as MemberRecord);
  }

  doc('get', '/admin/members', 'Member departments (active and removed), their node keys, the quorum.', ['admin', 'auditor']);
  r.get('/admin/members', requireRole('admin', 'auditor'), async (ctx) => {
    const list = await members();
    const status = await node.status();
    const attested = new Map(status.members.map((m) => [m.dept, m.lastAttested]));
    ctx.body = {
      quorum: quorumOf(list.filter((m) => m.active).length),
      items: list.map((m) => ({ dept: m.dept, name: m.name, nameEn: m.nameEn, nodeKey: m.nodeKey, active: m.active, self: m.dept === node.dept, lastAttested: attested.get(m.dept) ?? null })),
    };
  });

  doc('get', '/admin/proposals', 'Governance proposals, newest first, with approvals against the quorum; ?status=open|done.', ['admin']);
  r.get('/admin/proposals', requireRole('admin'), async (ctx) => {
    const p = Page.parse(ctx.query);
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

  doc('post', '/admin/proposals', 'Propose a consortium change (member.add, member.remove, member.rotateKey, credit.setWeights, approval.setRules, approval.setProcess, …); this department approves it by proposing.', ['admin'], Propose);
  r.post('/admin/proposals', requireRole('admin'), async (ctx) => {
    const body = Propose.parse(ctx.request.body);
    const row = await act(ctx, 'gov.propose', body.note ? body : { type: body.type, params: body.params });
    ctx.status = 201;
    ctx.body = outcome(node, row);
  });

  doc('post', '/admin/proposals/{id}/approve', 'Approve another department\'s proposal on behalf of this department.', ['admin']);
  r.post('/admin/proposals/:id/approve', requireRole('admin'), async (ctx) => {
    const id = TxIdParam.parse(ctx.params.id);
    // Keys from a multi-party ceremony are approved only after this node verified the transcript
    // itself: that is the privacy module's approval, never a bare vote.
    const prop = await node.view().get<{ type: string; params?: { ceremonies?: Record<string, string> } }>(`gov/proposal/${id}`);
    if (prop?.type === 'privacy.setVerificationKeys' && prop.params?.ceremonies && Object.keys(prop.params.ceremonies).length) {
      throw new ChainError('CEREMONY_VERIFY_FIRST', 'keys from a setup ceremony are approved with POST /<dept>/api/privacy/keys/approve, which verifies the whole transcript on this node first', { status: 409 });
    }
    const row = await act(ctx, 'gov.approve', { proposal: id });
    ctx.body = { ...outcome(node, row), applied: row.events.some((e) => e.type === 'gov.applied') };
  });

  doc('get', '/admin/users', 'Staff of this department as the chain knows them, with whether each has a portal password here.', ['admin']);
  r.get('/admin/users', requireRole('admin'), async (ctx) => {
    const users = (await node.store.scan(`user/${node.dept}/`, 10_000)).map((u) => u.value as UserRecord);
    const withPassword = new Set((await node.db('auth_passwords').select('user_id')).map((x: { user_id: string }) => x.user_id));
    const mustChange = await auth.mustChangeIds();
    ctx.body = { items: users.map((u) => ({ ...u, hasPassword: withPassword.has(u.id), mustChangePassword: mustChange.has(u.id), self: u.id === currentUser(ctx).id })) };
  });

  doc('post', '/admin/users', 'Register (or re-enable, or change the role of) a staff member of this department; a first password for someone who has none here.', ['admin'], RegisterUser);
  r.post('/admin/users', requireRole('admin'), async (ctx) => {
    const { password, ...user } = RegisterUser.parse(ctx.request.body);
    // before the transaction, so a refused or missing password writes nothing
    if (password) auth.checkPolicy(user.id, password);
    else if (!(await auth.hasPassword(user.id))) throw new ChainError('PASSWORD_REQUIRED', `${user.id} 在本节点还没有口令，请设置初始口令 / ${user.id} has no password on this node yet: give a first one`, { status: 400 });
    const row = await act(ctx, 'user.register', user);
    if (password) await auth.setPassword(user.id, password);
    ctx.status = 201;
    ctx.body = outcome(node, row);
  });

  doc('post', '/admin/users/{id}/disable', 'Disable a staff member: no later transaction in their name, and every session of theirs here ends now.', ['admin']);
  r.post('/admin/users/:id/disable', requireRole('admin'), async (ctx) => {
    const id = UserId.parse(ctx.params.id);
    const row = await act(ctx, 'user.disable', { id });
    await auth.logoutEverywhere(id);
    ctx.body = { ...outcome(node, row), sessionsEnded: true };
  });

  doc('post', '/admin/users/{id}/password-reset', 'Reset a colleague\'s password: a one-time password, answered once, that they must change at the next sign-in; every session of theirs here ends. Recorded in GET /admin/account-events.', ['admin']);
  r.post('/admin/users/:id/password-reset', requireRole('admin'), async (ctx) => {
    const id = UserId.parse(ctx.params.id);
    ctx.body = { user: id, ...(await auth.resetPassword(currentUser(ctx).id, id, ctx.ip)) };
  });

  doc('get', '/admin/account-events', 'Password changes and resets on this node, newest first (who, whose, when, from where); ?user= for one person.', ['admin']);
  r.get('/admin/account-events', requireRole('admin'), async (ctx) => {
    const target = ctx.query.user ? UserId.parse(ctx.query.user) : undefined;
    ctx.body = { items: await auth.accountEvents.list({ target }) };
  });

  doc('get', '/admin/health', 'This node: height, finality, halt, members\' attestations, counters, recent block times and sizes, process memory.', ['admin']);
  r.get('/admin/health', requireRole('admin'), async (ctx) => {
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
  doc('get', '/stats/approvals', 'Approval throughput over time (from the ledger) and open/overdue stages per department (against block time).', STATS_READERS);
  r.get('/stats/approvals', requireRole(...STATS_READERS), async (ctx) => {
    if (!(await hasTable(node.db, 'ap_stages'))) throw new ChainError('NO_MODULE', 'the approval module does not run on this node', { status: 404 });
    const now = (await node.store.blockByHeight(node.height))?.header.time ?? 0;
    ctx.body = { asOf: now, throughput: await approvalThroughput(node.store, now), stages: await openStagesByDept(node.db, now) };
  });

  doc('get', '/stats/credit', 'How many enterprises hold each credit grade.', STATS_READERS);
  r.get('/stats/credit', requireRole(...STATS_READERS), async (ctx) => {
    if (!(await hasTable(node.db, 'ap_credit'))) throw new ChainError('NO_MODULE', 'the approval module does not run on this node', { status: 404 });
    ctx.body = { grades: await gradeDistribution(node.db) };
  });

  return r;
}
