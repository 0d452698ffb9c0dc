import Router from '@koa/router';
import { ChainError } from '../../chain/errors.ts';
import { seal } from '../../chain/sealing/envelope.ts';
import { deptSealRecipients } from '../deptSeal.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser, requireRole } from '../../http/auth.ts';
import { auditLook, listSubject } from '../../http/txReads.ts';
import type { ApplicationRecord, ExpertRecord } from '../records.ts';
import { applicationTextView } from '../applicationSeal.ts';
import { SEAL_ALG, SEAL_ENC, sealedFor } from '../review/sealing.ts';
import { ApplicationId, ExpertConflicts, ExpertRegister, RecuseDraft, ReviewDraft } from '../schema.ts';
import * as q from '../readModel/queries.ts';
import { pk } from '../stateKeys.ts';
import { actAs, doc, param, parseWith, sealFor } from './common.ts';
import { isAuditor } from '../../chain/readAccess.ts';

const ReviewBody = ReviewDraft;
const RecuseBody = RecuseDraft;
const ConflictsBody = ExpertConflicts.omit({ expert: true });

/**
 * Expert review: experts register their encryption key and conflicts, read the materials of the
 * applications they were drawn for (encrypted to their key), and sign their scores. The
 * assignment is read from the chain on every request: no one else gets the materials.
 */
export function reviewRoutes(node: ModulePort): Router {
  const r = new Router({ prefix: '/payout' });

  doc('post', '/experts/key', 'Register (or replace) the expert\'s X25519 public key and declare conflicts of interest (回避).', ['expert'], ExpertRegister);
  r.post('/experts/key', requireRole('expert'), async (ctx) => {
    const body = parseWith(ExpertRegister, ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'payout.expertRegister', body);
    ctx.body = { tx: row.id };
  });

  doc('post', '/experts/{id}/conflicts', 'Add conflicts of interest the department knows of to one of its experts.', ['policy'], ConflictsBody);
  r.post('/experts/:id/conflicts', requireRole('policy'), async (ctx) => {
    const body = parseWith(ConflictsBody, ctx.request.body);
    const row = await actAs(node, currentUser(ctx).id, 'payout.expertConflicts', { ...body, expert: param(ctx, 'id') });
    ctx.body = { tx: row.id };
  });

  doc('get', '/experts', 'The department\'s registered experts with their declared and configured conflicts.', ['policy', 'auditor', 'expert']);
  r.get('/experts', requireRole('policy', 'auditor', 'expert'), async (ctx) => {
    const u = currentUser(ctx);
    const look = auditLook(node, ctx);
    const all = await q.experts(node.db, isAuditor(u) ? undefined : u.dept);
    const auditViewTx = await look?.record(listSubject('payout/experts', ctx.query), []);
    ctx.body = { items: u.role === 'expert' ? all.filter((e) => e.id === u.id) : all, ...(auditViewTx ? { auditViewTx } : {}) };
  });

  doc('get', '/applications/{id}/materials', 'The application\'s attachments as compact JWEs (ECDH-ES+A256KW, A256GCM) to the caller\'s key: assigned experts only.', ['expert']);
  r.get('/applications/:id/materials', requireRole('expert'), async (ctx) => {
    const u = currentUser(ctx);
    const id = parseWith(ApplicationId, param(ctx, 'id'), 'application');
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

  doc('post', '/applications/{id}/review', 'An assigned expert signs a score (0-100) and opinion, once.', ['expert'], ReviewBody);
  r.post('/applications/:id/review', requireRole('expert'), async (ctx) => {
    const application = parseWith(ApplicationId, param(ctx, 'id'), 'application');
    const body = parseWith(ReviewBody, ctx.request.body);
    // sealed here, before signing, to the current key of the department that decides
    const app = await node.view().get<ApplicationRecord>(pk.app(application));
    const to = await deptSealRecipients(node.view(), [app?.dept ?? currentUser(ctx).dept]);
    if (!to.length) throw new ChainError('SEAL_RECIPIENTS', 'the deciding department has no encryption key to seal the opinion to', { status: 409 });
    const opinion = await seal(body.opinion, to);
    const recommendFen = body.recommendFen ? await seal(body.recommendFen, to) : undefined;
    const row = await actAs(node, currentUser(ctx).id, 'payout.review', { ...body, opinion, ...(recommendFen ? { recommendFen } : {}), application });
    ctx.body = { tx: row.id, done: row.events.some((e) => e.type === 'payout.reviewed') };
  });

  doc('post', '/applications/{id}/recuse', 'An assigned expert steps back (回避) before scoring; the next expert in the draw takes the place.', ['expert'], RecuseBody);
  r.post('/applications/:id/recuse', requireRole('expert'), async (ctx) => {
    const application = parseWith(ApplicationId, param(ctx, 'id'), 'application');
    const body = parseWith(RecuseBody, ctx.request.body);
    // sealed to the expert's department, the application's (the contract holds the two equal)
    const reason = await sealFor(node, [currentUser(ctx).dept], body.reason, 'the reason');
    const row = await actAs(node, currentUser(ctx).id, 'payout.recuse', { ...body, reason, application });
    const ev = row.events.find((e) => e.type === 'payout.expertRecused')?.data as { replacedBy?: string[] } | undefined;
    ctx.body = { tx: row.id, replacedBy: ev?.replacedBy ?? [] };
  });

  return r;
}
