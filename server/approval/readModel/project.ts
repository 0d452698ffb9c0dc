import type { Knex } from 'knex';
import type { CommittedBlock } from '../../chain/module.ts';
import type { CreditScoreRecord } from '../credit/facts.ts';
import type { Sealed } from '../../chain/sealing/envelope.ts';
import { sealShareKey, type SealShareRecord } from '../contracts/sealShare.ts';
import { filingView } from './filingView.ts';
import { openSealedFields } from './openSealedFields.ts';
import type { ApplicationRecord, CaseRecord, EnterpriseRecord, FilingRecord, InspectionRecord, LicenceRecord } from '../records.ts';

const CHUNK = 200; // rows per statement: well under SQLite's bound-variable limit

async function upsert(trx: Knex.Transaction, table: string, key: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK)).onConflict(key).merge();
}

async function replace(trx: Knex.Transaction, table: string, column: string, ids: string[], rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) await trx(table).whereIn(column, ids.slice(i, i + CHUNK)).delete();
  for (let i = 0; i < rows.length; i += CHUNK) await trx(table).insert(rows.slice(i, i + CHUNK));
}

/**
 * Follows a committed block into the read models. Events name the state records they changed;
 * the records are read back from state inside the same database transaction, so a read model
 * is always exactly the committed state, and each table gets a few multi-row statements per
 * block however many transactions touched it. Score history and dossier views come from the
 * events themselves, since every occurrence matters.
 */
export async function projectApproval(trx: Knex.Transaction, block: CommittedBlock, keyring: ReadonlyMap<string, string> = new Map(), dept?: string): Promise<void> {
  const touched = new Set<string>();
  const history: Record<string, unknown>[] = [];
  const views: Record<string, unknown>[] = [];
  for (const r of block.receipts) {
    if (r.status !== 'ok') continue;
    r.events.forEach((ev, seq) => {
      const d = ev.data as Record<string, any>;
      if (Array.isArray(d.records)) for (const k of d.records) touched.add(k);
      if (ev.type === 'credit.scored') {
        history.push({ code: d.code, total: d.total, grade: d.grade, height: r.height, tx_id: r.txId, time: block.header.time, trigger: String(d.trigger).slice(0, 80) });
      } else if (ev.type === 'dossier.viewed') {
        views.push({ tx_id: r.txId, seq, code: d.code, dept: d.dept, user_id: d.user, role: d.role, purpose: d.purpose, sections: (d.sections as string[]).join(','), item: d.item ?? null, time: block.header.time, height: r.height });
      }
    });
  }
  if (touched.size) await writeRecords(trx, [...touched].sort(), keyring, dept);
  for (let i = 0; i < history.length; i += CHUNK) await trx('ap_credit_history').insert(history.slice(i, i + CHUNK));
  for (let i = 0; i < views.length; i += CHUNK) await trx('ap_dossier_views').insert(views.slice(i, i + CHUNK));
}

/** The read-model rows of these state keys (records under ent/, filing/, app/, lic/, insp/, case/, credit/score/). */
export async function writeRecords(trx: Knex.Transaction, keys: string[], keyring: ReadonlyMap<string, string>, dept?: string): Promise<void> {
  const values = new Map<string, unknown>();
  for (let i = 0; i < keys.length; i += 400) {
    const rows: { k: string; v: string }[] = await trx('state').whereIn('k', keys.slice(i, i + 400)).select('k', 'v');
    for (const row of rows) values.set(row.k, JSON.parse(row.v));
  }
  const under = <T>(prefix: string) => keys.filter((k) => k.startsWith(prefix) && values.has(k)).map((k) => values.get(k) as T);

  // The window clerk's notes are sealed (staffSeal.ts): opened here only on a recipient.
  const ents = await Promise.all(under<EnterpriseRecord>('ent/').map((e) => openSealedFields(e, keyring)));
  await upsert(trx, 'ap_enterprises', 'code', ents.map((e) => ({ code: e.code, name: e.name, status: e.status, current_key: e.currentKey, registered_at: e.registeredAt, json: JSON.stringify(e) })));

  const filings = under<FilingRecord>('filing/');
  // Opened here, outside contract code: only a recipient's read model ever holds the plaintext.
  // A share to this node's department (seal.share) touches the filing too, so it is reopened here.
  const shares = new Map<string, Sealed>();
  if (dept) {
    const shareKeys = filings.map((f) => sealShareKey(f.code, dept));
    for (let i = 0; i < shareKeys.length; i += 400) {
      for (const row of (await trx('state').whereIn('k', shareKeys.slice(i, i + 400)).select('v')) as { v: string }[]) {
        const s = JSON.parse(row.v) as SealShareRecord;
        shares.set(s.code, s.sealed);
      }
    }
  }
  const views = await Promise.all(filings.map((f) => filingView(f, keyring, shares.get(f.code))));
  await upsert(trx, 'ap_filings', 'code', views.map((f) => ({ code: f.code, version: f.version, industry: f.profile.industry.name, updated_at: f.updatedAt, json: JSON.stringify(f) })));
  // a name is sealed: kept only where this node reads it ('' elsewhere)
  await replace(trx, 'ap_materials', 'code', views.map((f) => f.code), views.flatMap((f) => f.materials.map((m) => ({ code: f.code, hash: m.hash, name: m.name ?? '', type: m.type, size: m.size, category: m.category }))));

  const apps = await Promise.all(under<ApplicationRecord>('app/').map((a) => openSealedFields(a, keyring)));
  await upsert(trx, 'ap_applications', 'id', apps.map((a) => ({ id: a.id, code: a.code, process: a.process, status: a.status, submitted_at: a.submittedAt, json: JSON.stringify(a) })));
  await replace(trx, 'ap_stages', 'app_id', apps.map((a) => a.id), apps.flatMap((a) =>
    a.stages.map((s) => ({ app_id: a.id, stage_id: s.id, code: a.code, dept: s.dept, status: s.status, app_status: a.status, name: s.name, opened_at: s.openedAt ?? null, due_at: s.dueAt ?? null })),
  ));

  await upsert(trx, 'ap_licences', 'id', under<LicenceRecord>('lic/').map((l) => ({ id: l.id, code: l.code, dept: l.dept, status: l.status, valid_to: l.validTo, json: JSON.stringify(l) })));
  // Staff-written supervision text is sealed (supervisionSeal.ts): opened here only on a recipient.
  const inspections = await Promise.all(under<InspectionRecord>('insp/').map((i) => openSealedFields(i, keyring)));
  await upsert(trx, 'ap_inspections', 'id', inspections.map((i) => ({ id: i.id, code: i.code, dept: i.dept, status: i.status, app_id: i.app ?? null, due_at: i.dueAt ?? null, json: JSON.stringify(i) })));
  const cases = await Promise.all(under<CaseRecord>('case/').map((c) => openSealedFields(c, keyring)));
  await upsert(trx, 'ap_cases', 'id', cases.map((c) => ({ id: c.id, code: c.code, dept: c.dept, origin_dept: 'inspection' in c.origin ? c.origin.dept : null, status: c.status, json: JSON.stringify(c) })));
  await upsert(trx, 'ap_credit', 'code', under<CreditScoreRecord>('credit/score/').map((s) => ({ code: s.code, total: s.total, grade: s.grade, json: JSON.stringify(s) })));
}
