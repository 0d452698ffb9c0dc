import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRegistry } from '../chain/buildRegistry.ts';
import { isChainError } from '../chain/errors.ts';
import { encKid, encPublicOf } from '../chain/sealing/envelope.ts';
import { openLedgerStore } from '../chain/store/chainStore.ts';
import { openDb } from '../chain/store/openDb.ts';
import { suiteByName } from '../chain/suites/index.ts';
import { signTx } from '../chain/tx.ts';
import { readConsortium } from '../consortiumFiles.ts';
import { buildBundle } from '../evidence/buildBundle.ts';
import { ledgerEvidenceSource } from '../evidence/ledgerEvidenceSource.ts';
import { chromiumPdf } from '../evidence/pdf.ts';
import { verifierHtml } from '../evidence/verifierPage.ts';
import { zipFiles } from '../evidence/zip.ts';
import { createModules } from '../modules.ts';

/**
 * npm run evidence -- --dept <dept> --subject <credit code | AP-… | CS-… | PL-… | PA-… | PR-…> --out <file.zip>
 *                     [--purpose <text>] [--data <dir>] [--db <sqlite file | mysql url>] [--consortium <dir>] [--no-pdf]
 *
 * Makes an evidence bundle from one department's node database, signed with that node's key
 * (keys/<dept>.key) and with the sealed fields its encryption keys open. The node's operator
 * already holds every payload in that database; sealed fields stay sealed unless the department
 * is a recipient. Exit 0 with the file written, 1 when the subject has nothing final, 2 on bad use.
 */
const { values: a } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.TONGBAN_DATA ?? 'data' },
    dept: { type: 'string' },
    subject: { type: 'string' },
    out: { type: 'string' },
    purpose: { type: 'string' },
    db: { type: 'string' },
    consortium: { type: 'string' },
    'no-pdf': { type: 'boolean', default: false },
  },
});

function usage(message: string): never {
  console.error(message);
  console.error('usage: npm run evidence -- --dept <dept> --subject <credit code | record id> --out <file.zip> [--purpose <text>] [--db <url>] [--consortium <dir>] [--no-pdf]');
  process.exit(2);
}

if (!a.dept || !a.subject || !a.out) usage('give --dept, --subject and --out');
const dataDir = resolve(a.data!);
const consortiumDir = resolve(a.consortium ?? join(dataDir, 'consortium'));
if (!existsSync(join(consortiumDir, 'genesis.json'))) usage(`no genesis at ${consortiumDir}/genesis.json`);
const keys = readConsortium(consortiumDir, [a.dept]);
const privateKey = keys.nodeKeys[a.dept];
if (!privateKey) usage(`no node key for ${a.dept} in ${consortiumDir}/keys: the bundle is signed with it`);
const target = a.db ?? join(dataDir, `${a.dept}.sqlite`);
const isMysql = /^mysql:\/\//.test(target);
if (!isMysql && !existsSync(target)) usage(`no database at ${target}`);

const genesis = keys.genesis;
const suite = suiteByName(genesis.suite);
const db = isMysql ? openDb({ client: 'mysql', connection: target }) : openDb({ client: 'sqlite', filename: resolve(target) });
const source = ledgerEvidenceSource({
  store: openLedgerStore(db),
  genesis,
  dept: a.dept,
  registry: buildRegistry(createModules()),
  keyring: new Map((keys.encKeys[a.dept] ?? []).map((k) => [encKid(a.dept!, encPublicOf(k)), k])),
  sign: (kind, payload) => {
    const now = Date.now();
    return signTx({ chain: genesis.chain, kind, payload, signer: suite.publicKeyOf(privateKey), nonce: now * 1000, time: now }, privateKey, suite);
  },
});
try {
  const started = Date.now();
  const pdf = a['no-pdf'] ? undefined : chromiumPdf();
  const built = await buildBundle(source, { subject: a.subject, requester: { dept: a.dept, id: 'node', role: 'node' }, purpose: a.purpose, verifierHtml: await verifierHtml(), pdf });
  writeFileSync(resolve(a.out), zipFiles(built.files));
  const records = [...built.files.keys()].filter((p) => p.startsWith('records/')).length;
  console.log(`${a.out}: ${records} transactions about ${a.subject}, certified to block ${built.manifest.top}, ${built.files.size} files, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (built.pdfMissing) console.log(`no PDF report: ${built.pdfMissing}`);
} catch (e) {
  if (!isChainError(e)) throw e;
  console.error(`${e.code}: ${e.message}`);
  process.exitCode = e.status === 400 ? 2 : 1;
} finally {
  await db.destroy();
}
