import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import type { RouteKit } from '../../http/routeKit.ts';
import { approveAdoption, proposeAdoption, type CeremonyFiles } from '../ceremony/adopt.ts';
import { CIRCUITS, type CircuitName } from '../zk/publicSignals.ts';

/*
 * Adoption of a multi-party ceremony's keys from the administrator's portal: the node verifies the ceremony
 * folders it holds before it signs the proposal or the approval. The folders are this machine's, set by its
 * operator (TONGBAN_CEREMONY_DIR/<circuit>/ as the last participant handed them on, TONGBAN_PTAU the phase-1
 * file), never a path a request names.
 */

function localFiles(circuits: readonly CircuitName[] | undefined): CeremonyFiles {
  const root = process.env.TONGBAN_CEREMONY_DIR;
  const ptau = process.env.TONGBAN_PTAU;
  if (!root || !ptau) throw new ChainError('CEREMONY_NOT_CONFIGURED', 'this node has no ceremony folders: its operator sets TONGBAN_CEREMONY_DIR and TONGBAN_PTAU', { status: 409 });
  const wanted = circuits ?? CIRCUITS.filter((c) => existsSync(join(root, c, 'transcript.json')));
  if (wanted.length === 0) throw new ChainError('CEREMONY_NO_TRANSCRIPT', `no ceremony transcript under ${root}`, { status: 409 });
  return { dirs: Object.fromEntries(wanted.map((c) => [c, join(root, c)])), ptau };
}

const Propose = z.strictObject({ circuits: z.array(z.enum(CIRCUITS)).min(1).optional() });
const Approve = z.strictObject({ proposal: z.string().regex(/^[0-9a-f]{64}$/), circuits: z.array(z.enum(CIRCUITS)).min(1).optional() });

export function ceremonyRoutes(r: RouteKit, node: ModulePort): void {
  r.post('/keys/propose', { summary: 'Propose the keys of the multi-party ceremonies in this node\'s folders, after verifying them here (409 CEREMONY_VERIFY_FAILED otherwise).', roles: ['admin'], body: Propose }, async (ctx, { body }) => {
    const proposal = await proposeAdoption(node, localFiles(body.circuits), currentUser(ctx).id);
    ctx.status = 201;
    ctx.body = { proposal };
  });

  r.post('/keys/approve', { summary: 'Approve a key adoption proposal after verifying, on this node, the ceremony it names (409 CEREMONY_VERIFY_FAILED otherwise).', roles: ['admin'], body: Approve }, async (ctx, { body }) => {
    await approveAdoption(node, body.proposal, localFiles(body.circuits), currentUser(ctx).id);
    ctx.body = { proposal: body.proposal, approved: node.dept };
  });
}
