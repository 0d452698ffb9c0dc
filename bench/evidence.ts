import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createConsortium } from '../server/chain/consortium.ts';
import { LocalLog } from '../server/chain/orderer/localLog.ts';
import { openDb } from '../server/chain/store/openDb.ts';
import { buildBundle } from '../server/evidence/buildBundle.ts';
import { ledgerEvidenceSource } from '../server/evidence/ledgerEvidenceSource.ts';
import { nodeVerifySignature, nodeZkVerify } from '../server/evidence/nodeVerifiers.ts';
import { chromiumPdf } from '../server/evidence/pdf.ts';
import { verifierHtml } from '../server/evidence/verifierPage.ts';
import { verifyBundle } from '../server/evidence/verifyBundle.ts';
import { unzipFiles, zipFiles } from '../server/evidence/zip.ts';
import { createPlatform } from '../server/platform.ts';
import type { Figure } from './run.ts';

export const method =
  'an enterprise with 1,000 transactions about it (auditors\' recorded looks, signed by the audit node, in batches of 100) on a 4-department chain in file-backed SQLite; ' +
  'build: every read, proof, report, manifest signature and the ZIP, the verifier page already built; verify: unzip and every check of the offline verifier; PDF (without --quick): the report through Chromium';

const DEPTS = ['market', 'tax', 'finance', 'audit'];
const CODE = '91330100MA2B3C4D5E';
const N = 1000;
const round2 = (x: number) => Math.round(x * 100) / 100;

export async function runEvidenceBench(opts: { quick: boolean }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tb-evidence-'));
  const keys = createConsortium({ chain: 'bench-evidence', depts: DEPTS, time: Date.now() });
  const log = new LocalLog(join(dir, 'log.sqlite'));
  const specs = DEPTS.map((dept) => ({ dept, db: openDb({ client: 'sqlite', filename: join(dir, `${dept}.sqlite`) }), orderer: log }));
  const p = await createPlatform({ keys, specs, logger: pino({ level: 'silent' }), modules: () => [] });
  try {
    const audit = p.node('audit');
    await audit.submitAs('admin', 'user.register', { id: 'auditor1', name: '审计员', role: 'auditor' });
    let last = '';
    for (let i = 0; i < N; i += 100) {
      const batch = Array.from({ length: Math.min(100, N - i) }, (_, j) => audit.signAs('auditor1', 'audit.view', { subject: `trace:${CODE}`, purpose: `专项审计抽查第${i + j + 1}次`, enterprises: [CODE] }));
      last = (await audit.submitMany(batch)).at(-1)!.id;
    }
    await audit.waitFor(last, 'final', 120_000);
    // the certificate of the last block rides in the next one
    await audit.submitAs('admin', 'user.register', { id: 'tick', name: 'tick', role: 'clerk' }, 'final', 60_000);
    await audit.submitAs('admin', 'user.register', { id: 'tock', name: 'tock', role: 'clerk' }, 'receipt');
    const source = ledgerEvidenceSource({ store: audit.store, genesis: audit.genesis, dept: 'audit', registry: audit.registry, keyring: audit.keyring, sign: (k, x) => audit.signAs(undefined, k, x) });
    const page = await verifierHtml();
    const requester = { dept: 'audit', id: 'auditor1', role: 'auditor' };

    const t0 = performance.now();
    const built = await buildBundle(source, { subject: CODE, requester, purpose: '基准测试', verifierHtml: page });
    const zip = zipFiles(built.files);
    const buildSeconds = (performance.now() - t0) / 1000;
    const records = [...built.files.keys()].filter((f) => f.startsWith('records/')).length;
    if (records < N) throw new Error(`the bundle holds ${records} transactions, not ${N}`);

    const t1 = performance.now();
    const r = await verifyBundle(unzipFiles(zip), { zkVerify: nodeZkVerify, verifySignature: nodeVerifySignature });
    const verifySeconds = (performance.now() - t1) / 1000;
    if (!r.ok) throw new Error(`the bundle does not verify: ${JSON.stringify(r.failure)}`);

    const figures: Figure[] = [
      { metric: 'evidence.build_1000', value: round2(buildSeconds), unit: 's' },
      { metric: 'evidence.verify_1000', value: round2(verifySeconds), unit: 's' },
      { metric: 'evidence.bundle_size', value: Math.round(zip.length / 1024), unit: 'KiB' },
      { metric: 'evidence.txs', value: records, unit: 'transactions' },
    ];
    const pdf = opts.quick ? undefined : chromiumPdf();
    if (pdf) {
      const t2 = performance.now();
      await pdf(new TextDecoder().decode(built.files.get('report.html')!));
      figures.push({ metric: 'evidence.pdf_1000', value: round2((performance.now() - t2) / 1000), unit: 's' });
    }
    return figures;
  } finally {
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
