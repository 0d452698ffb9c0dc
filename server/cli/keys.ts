import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CITY_DEPARTMENTS, createConsortium } from '../chain/consortium.ts';
import { genesisHash, quorumOf } from '../chain/genesis.ts';
import { writeConsortium } from '../consortiumFiles.ts';

/**
 * npm run keys -- --out <dir> [--chain id] [--depts market,tax,...] [--suite ed25519|sm2]
 * Makes one node key per department and the genesis that names them. Keys go to <dir>/keys
 * with mode 0600; hand each department only its own key file, and everyone the genesis.
 */
const { values: a } = parseArgs({
  options: {
    out: { type: 'string', default: 'data/consortium' },
    chain: { type: 'string', default: 'tongban-city' },
    depts: { type: 'string', default: CITY_DEPARTMENTS.map((d) => d.dept).join(',') },
    suite: { type: 'string', default: 'ed25519' },
  },
});
if (a.suite === 'sm2') await import('../chain/suites/sm2.ts').catch(() => undefined);
const depts = a.depts!.split(',').map((d) => d.trim()).filter(Boolean);
const c = createConsortium({ chain: a.chain!, depts, suite: a.suite as 'ed25519' | 'sm2', time: Date.now() });
const out = resolve(a.out!);
writeConsortium(out, c);
console.log(`genesis ${genesisHash(c.genesis)} for ${depts.length} departments (quorum ${quorumOf(depts.length)}) written to ${out}`);
