import type Router from '@koa/router';
import { ChainError } from '../../chain/errors.ts';
import { seal } from '../../chain/sealing/envelope.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import type { ApplicationRecord, ExpertRecord } from '../records.ts';
import { applicationTextView } from '../applicationSeal.ts';
import { SEAL_ALG, SEAL_ENC, sealedFor } from '../review/sealing.ts';
import { ApplicationId, RecuseDraft, ReviewDraft } from '../schema.ts';
import * as q from '../readModel/queries.ts';
import { pk } from '../stateKeys.ts';
import { sealedToOwnDept } from './common.ts';
import { staffAction } from '../../http/staffAction.ts';
import { payoutExpertConflicts, payoutExpertRegister } from '../contracts/experts.ts';
import { payoutRecuse } from '../contracts/recuse.ts';
import { payoutReview } from '../contracts/review.ts';
import { isAuditor } from '../../chain/readAccess.ts';
import { parseWith, RouteKit } from '../../http/routeKit.ts';

const ReviewBody = ReviewDraft;
const RecuseBody = RecuseDraft;

/**
 * Expert review: experts register their encryption key and conflicts, read the materials of the
 * applications they were drawn for (encrypted to their key), and sign their scores. The
 * assignment is read from the chain on every request: no one else gets the materials.
 */
export function reviewRoutes(node: ModulePort): Router {
  const r = new RouteKit('/payout');

  staffAction(r, node, payoutExpertRegister, {
    path: '/experts/key',
    summary: 'Register (or replace) the expert\'s X25519 public key and declare conflicts of interest (回避).',
  });

  staffAction(r, node, payoutExpertConflicts, {
    path: '/experts/:id/conflicts',
    summary: 'Add conflicts of interest the department knows of to one of its experts.',
    from: { id: 'expert' },
  });

  r.get('/experts', { summary: 'The department\'s registered experts with their declared and configured conflicts.', roles: ['policy', 'auditor', 'expert'] }, async (ctx) => {
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const all = await q.experts(node.db, isAuditor(u) ? undefined : u.dept);
    const auditViewTx = await look?.record(listSubject('payout/experts', ctx.query), []);
    ctx.body = { items: u.role === 'expert' ? all.filter((e) => e.id === u.id) : all, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  r.get('/applications/:id/materials', { summary: 'The application\'s attachments as compact JWEs (ECDH-ES+A256KW, A256GCM) to the caller\'s key: assigned experts only.', roles: ['expert'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const id = parseWith(ApplicationId, params.id, 'application');
    const view = node.view();
    const app = await view.get<ApplicationRecord>(pk.app(id));
    // Not assigned and not existing look the same: the caller learns nothing about other applications.
    if (!app?.review || app.dept !== u.dept || !app.review.experts.includes(u.id)) throw new ChainError('NOT_ASSIGNED', 'only the experts drawn for this application may read its materials', { status: 403 });
    if (app.status !== 'reviewing' && app.status !== 'deciding') throw new ChainError('REVIEW_CLOSED', `application ${id} is ${app.status}; its review is over`, { status: 409 });
    const expert = await view.get<ExpertRecord>(pk.expert(u.dept, u.id));
    if (!expert) throw new ChainError('EXPERT_NOT_REGISTERED', 'register your encryption key first', { status: 409 });
    // the statement and names are sealed to this department: opened with its key for its own expert
    const text = await applicationTextView(app, node.keyring);
    const names = Object.fromEntries(text.attachments.flatMap((m) => (m.name !== undefined ? [[m.hash, m.name]] : [])));
    const { items, missing } = await sealedFor(node.db, app, expert, names);
    ctx.set('cache-control', 'no-store');
    ctx.body = { application: id, alg: SEAL_ALG, enc: SEAL_ENC, encKey: expert.encKey, statement: text.statement, filingVersion: app.filingVersion, items, missing };
  });

  staffAction(r, node, payoutReview, {
    path: '/applications/:id/review',
    summary: 'An assigned expert signs a score (0-100) and opinion, once.',
    body: ReviewBody,
    from: { id: 'application' },
    params: { id: ApplicationId },
    // sealed here, before signing, to the current key of the department that decides
    payload: async (body, _ctx, user) => {
      const app = await node.view().get<ApplicationRecord>(pk.app(body.application as string));
      const to = await deptSealRecipients(node.view(), [app?.dept ?? user.dept]);
      if (!to.length) throw new ChainError('SEAL_RECIPIENTS', 'the deciding department has no encryption key to seal the opinion to', { status: 409 });
      const opinion = await seal(body.opinion, to);
      const recommendFen = body.recommendFen ? await seal(body.recommendFen, to) : undefined;
      return { ...body, opinion, ...(recommendFen ? { recommendFen } : {}) };
    },
    respond: (row) => ({ tx: row.id, done: row.events.some((e) => e.type === 'payout.reviewed') }),
  });

  staffAction(r, node, payoutRecuse, {
    path: '/applications/:id/recuse',
    summary: 'An assigned expert steps back (回避) before scoring; the next expert in the draw takes the place.',
    body: RecuseBody,
    from: { id: 'application' },
    params: { id: ApplicationId },
    // sealed to the expert's department, the application's (the contract holds the two equal)
    payload: sealedToOwnDept(node, 'reason', 'the reason'),
    respond: (row) => {
      const ev = row.events.find((e) => e.type === 'payout.expertRecused')?.data as { replacedBy?: string[] } | undefined;
      return { tx: row.id, replacedBy: ev?.replacedBy ?? [] };
    },
  });

  return r.router;
}
