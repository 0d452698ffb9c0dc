import { ChainError } from '../errors.ts';
import type { Admission } from '../module.ts';
import { recordsOf, type ModulePort } from '../modulePort.ts';
import type { RouteKit } from '../../http/routeKit.ts';
import { publicTx } from './publicTx.ts';

type Raw = { kind: string; payload?: unknown; signer?: unknown };

/** The module admission that claims a body's kind, if any. */
export function admissionFor(admissions: readonly Admission[], raw: unknown): Admission | undefined {
  const kind = raw && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? admissions.find((a) => a.kinds.includes(kind)) : undefined;
}

/**
 * An enterprise-signed transaction through its module's admission: the module's own checks, then
 * the door with the contract's check against state, ordering, and the receipt (a rejection in its
 * block is a 409 with its code).
 */
export async function admitEnterpriseTx(port: ModulePort, a: Admission, raw: unknown, wait: 'receipt' | 'final') {
  await a.before?.(raw as Raw, port);
  let row = await port.submitChecked(raw);
  if (wait === 'final') row = await port.waitFor(row.id, 'final');
  return { id: row.id, ...a.answer?.(row), records: recordsOf(row), receipt: publicTx(row), final: row.height <= port.finalHeight };
}

/**
 * A module's own path for its kinds (`/approval/tx`, `/payout/tx`), kept for clients written
 * before the one door: the same admission, refusing every other kind (WRONG_KIND).
 */
export function moduleTxPath(kit: RouteKit, port: ModulePort, a: Admission): void {
  kit.post('/tx', { summary: `The transaction door (POST /{dept}/api/tx) for ${a.kinds.join(', ')} only.`, roles: 'public' }, (ctx) => {
    if (!admissionFor([a], ctx.request.body)) throw new ChainError('WRONG_KIND', `this endpoint takes only ${a.kinds.join(', ')}; staff actions have their own routes`);
    return admitEnterpriseTx(port, a, ctx.request.body, 'receipt');
  });
}
