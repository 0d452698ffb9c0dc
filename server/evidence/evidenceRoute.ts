import type { Context } from 'koa';
import { z } from 'zod';
import { ChainError, isChainError } from '../chain/errors.ts';
import type { ChainNode } from '../chain/node.ts';
import { currentUser } from '../http/auth.ts';
import { enterprisesOf, recordAuditView, requirePurpose, txFacts } from '../http/txReads.ts';
import { buildBundle } from './buildBundle.ts';
import { ledgerEvidenceSource } from './ledgerEvidenceSource.ts';
import { chromiumPdf } from './pdf.ts';
import { subjectKindOf } from './subject.ts';
import { verifierHtml } from './verifierPage.ts';
import { zipFiles } from './zip.ts';

const EvidenceQuery = z.object({ subject: z.string().trim().min(1, 'give the subject: a credit code or a record id').max(64) });

/** How long a request waits for the block that carries the certificate of what was final when it came. */
const CARRIER_WAIT_MS = 15_000;

/**
 * GET /<dept>/api/audit/evidence?subject=&purpose=: the evidence bundle of one subject, for an
 * auditor, as a ZIP. The look is put on the chain (audit.view) before the bundle is made, as for
 * every audit view; the bundle holds what was final when the request came. An auditor with a
 * purpose has a basis for every transaction's content (readAccess.ts), so nothing is withheld;
 * sealed fields stay sealed unless the audit department is a recipient.
 */
export function evidenceHandler(node: ChainNode, o: { pdf?: boolean } = {}) {
  return async (ctx: Context) => {
    const { subject } = EvidenceQuery.parse(ctx.query);
    subjectKindOf(subject);
    const purpose = requirePurpose(ctx);
    const user = currentUser(ctx);
    const source = ledgerEvidenceSource({
      store: node.store,
      genesis: node.genesis,
      dept: node.dept,
      registry: node.registry,
      keyring: node.keyring,
      sign: (kind, payload) => node.signAs(undefined, kind, payload),
    });
    const upTo = node.finalHeight;
    const txs = (await source.subjectTxs(subject)).filter((t) => t.height <= upTo);
    if (!txs.length) throw new ChainError('NOT_FOUND', `链上没有关于 ${subject} 的已最终确认的交易 / nothing final on this node's chain is about ${subject}`, { status: 404 });
    const enterprises = [...(await txFacts(node, txs)).values()].flatMap(enterprisesOf);
    if (/^[0-9A-Z]{18}$/.test(subject)) enterprises.push(subject);
    const auditViewTx = await recordAuditView(node, user, `evidence:${subject}`, purpose, enterprises);
    const pdf = o.pdf === false ? undefined : chromiumPdf();
    const page = await verifierHtml();
    const started = Date.now();
    for (;;) {
      try {
        const built = await buildBundle(source, { subject, requester: { dept: user.dept, id: user.id, role: user.role }, purpose, auditViewTx, upTo, verifierHtml: page, pdf });
        ctx.set('content-type', 'application/zip');
        ctx.set('content-disposition', `attachment; filename="evidence-${subject}.zip"`);
        ctx.set('x-audit-view-tx', auditViewTx);
        ctx.body = Buffer.from(zipFiles(built.files));
        return;
      } catch (e) {
        // the certificate of the last final block rides in the next block, which the audit view itself brings
        if (!isChainError(e) || e.code !== 'NOT_FINAL' || Date.now() - started > CARRIER_WAIT_MS) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
}
