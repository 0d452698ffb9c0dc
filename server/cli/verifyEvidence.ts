import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CHECKS } from '../evidence/checks.ts';
import { nodeVerifySignature, nodeZkVerify } from '../evidence/nodeVerifiers.ts';
import { verifyBundle } from '../evidence/verifyBundle.ts';
import { unzipFiles } from '../evidence/zip.ts';

/**
 * npm run verify-evidence -- <bundle.zip> [--against <http://host:port/<dept>/api>]
 *
 * Verifies an evidence bundle offline with the same core as the page inside it. With --against,
 * also compares its block hashes with another department's node (GET /blocks/:height).
 * Exit 0 when everything holds, 1 naming the first check that fails, 2 when the file cannot be read.
 */
const { values: a, positionals } = parseArgs({ allowPositionals: true, options: { against: { type: 'string' } } });
const file = positionals[0];
if (!file) {
  console.error('usage: npm run verify-evidence -- <bundle.zip> [--against <http://host:port/<dept>/api>]');
  process.exit(2);
}

let files: Map<string, Uint8Array>;
try {
  files = unzipFiles(new Uint8Array(readFileSync(file)));
} catch (e) {
  console.error(`无法读取 ${file} / cannot read ${file}: ${(e as Error).message}`);
  process.exit(2);
}

const against = a.against?.replace(/\/$/, '');
const otherNode = against
  ? async (heights: number[]) => {
      const out = new Map<number, string>();
      for (const h of heights) {
        const res = await fetch(`${against}/blocks/${h}`);
        if (res.ok) out.set(h, ((await res.json()) as { hash: string }).hash);
      }
      return out;
    }
  : undefined;

const r = await verifyBundle(files, { zkVerify: nodeZkVerify, verifySignature: nodeVerifySignature, otherNode });
if (r.manifest) console.log(`对象 subject ${r.manifest.subject} · 出具 issuer ${r.manifest.issuer} · 链 chain ${r.manifest.chain} · 证书至 certified to block ${r.manifest.top}`);
for (const p of r.passed) console.log(`  ✔ ${p.zh} / ${p.en}: ${p.count}`);
for (const n of r.notes) console.log(`  · ${n}`);
if (r.ok) {
  console.log('核验通过 / VERIFIED');
  process.exit(0);
}
const f = r.failure!;
console.log(`核验未通过 / FAILED: ${CHECKS[f.check].zh} / ${CHECKS[f.check].en}`);
console.log(`  文件 file: ${f.file}`);
console.log(`  ${f.zh}`);
console.log(`  ${f.en}`);
console.log(`  这意味着: ${f.meaningZh}`);
console.log(`  What this means: ${f.meaningEn}`);
process.exit(1);
