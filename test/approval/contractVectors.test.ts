import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { approvalModule } from '../../server/approval/index.ts';
import { buildRegistry } from '../../server/chain/buildRegistry.ts';
import type { Genesis } from '../../server/chain/schema.ts';
import { runContractCase, type ContractPre, type ContractPost } from '../vectors/runContract.ts';

/**
 * Golden vectors of the approval contracts (test/vectors/contracts/approval.<kind>/<case>):
 * pre-state and a signed transaction in, receipt and net writes out. Written once by
 * test/approval/generateVectors.ts and reviewed; a rule change shows up as a failing case here.
 */
const ROOT = join(import.meta.dirname, '../vectors/contracts');
const read = <T>(...p: string[]) => JSON.parse(readFileSync(join(ROOT, ...p), 'utf8')) as T;

describe('approval contract vectors', () => {
  const genesis = read<Genesis>('genesis.json');
  const registry = buildRegistry([approvalModule()]);
  for (const kind of readdirSync(ROOT).filter((d) => d.startsWith('approval.')).sort()) {
    for (const name of readdirSync(join(ROOT, kind)).sort()) {
      const pre = read<ContractPre>(kind, name, 'pre.json');
      test(`${kind}/${name}: ${pre.description}`, async () => {
        const post = await runContractCase(genesis, pre, read(kind, name, 'tx.json'), registry);
        assert.deepEqual(post, read<ContractPost>(kind, name, 'post.json'));
      });
    }
  }
});
