import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeStatus } from '../../server/chain/node.ts';
import type { CreditWeights as CheckedWeights, Dimension as CheckedDimension, StoredWeights as CheckedStored } from '../../server/approval/credit/weights.ts';
import type { CreditWeights, Dimension, StoredWeights } from '../../shared/wire/credit.ts';
import type { ChainStatus } from '../../shared/wire/chain.ts';
import type { Proposal, UserRecord } from '../../shared/wire/admin.ts';
import type { Proposal as StateProposal } from '../../server/chain/contracts/governance.ts';
import type { UserRecord as StateUser } from '../../server/chain/identity.ts';
import { DIMENSIONS } from '../../server/approval/credit/weights.ts';

/**
 * Where the server's type is inferred from a zod schema or lives in a file the portal cannot
 * type-check (node.ts), shared/ states the wire shape and this file checks, at type-check time
 * (`npx tsc --noEmit -p .`), that the two are the same: a change to one without the other fails.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(ok: Same<A, B>) => ok;

test('the wire shapes in shared/ are the server types they describe', () => {
  assert.equal(same<NodeStatus, ChainStatus>(true), true);
  assert.equal(same<CheckedWeights, CreditWeights>(true), true);
  assert.equal(same<CheckedStored, StoredWeights>(true), true);
  assert.equal(same<CheckedDimension, Dimension>(true), true);
  assert.equal(same<StateProposal, Proposal>(true), true);
  assert.equal(same<StateUser, UserRecord>(true), true);
  // and the runtime list of dimensions is the type's
  const all: Record<Dimension, true> = { licence: true, tax: true, social: true, approvals: true, supervision: true, enforcement: true, subsidy: true };
  assert.deepEqual([...DIMENSIONS].sort(), Object.keys(all).sort());
});
