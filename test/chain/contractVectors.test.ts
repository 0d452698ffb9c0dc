import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import { parseGenesis } from '../../server/chain/genesis.ts';
import { createModules } from '../../server/modules.ts';
import { runContractCase, type ContractPre } from '../vectors/runContract.ts';

/**
 * Contract vectors: test/vectors/contracts/<kind>/<case>/{pre,tx,post}.json. A module adds
 * cases for its own kinds by adding folders; this runner finds them, runs the transaction
 * on the pre-state with every node's contracts, and compares receipt and writes with post.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../vectors/contracts');
const read = (...p: string[]) => JSON.parse(readFileSync(join(ROOT, ...p), 'utf8'));
const dirs = (p: string) => readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

const genesis = parseGenesis(read('genesis.json'));
const registry = buildRegistry(createModules());

for (const kind of dirs(ROOT)) {
  describe(kind, () => {
    for (const name of dirs(join(ROOT, kind))) {
      const pre: ContractPre = read(kind, name, 'pre.json');
      test(`${name}${pre.description ? `: ${pre.description}` : ''}`, async () => {
        const tx = read(kind, name, 'tx.json');
        assert.equal(tx.kind, kind, 'a case lives in the folder of its transaction kind');
        assert.deepEqual(await runContractCase(genesis, pre, tx, registry), read(kind, name, 'post.json'));
      });
    }
  });
}
