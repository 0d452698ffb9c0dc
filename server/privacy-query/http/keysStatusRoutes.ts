import { ChainError, isChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import type { Role } from '../../chain/schema.ts';
import type { RouteKit } from '../../http/routeKit.ts';
import type { KeysProgress, KeysStatus } from '../../../shared/keysProgress.ts';
import { consortiumKeys } from '../verificationKeys.ts';

/** How far this process is in making keys; null when it makes none (a cluster node, or keys done). */
export type KeysProgressSource = () => KeysProgress | null;

/** PQ_NO_KEYS, with how far the keys are when this process is making them, so a caller can say so. */
export const withKeysProgress = (source?: KeysProgressSource) => (err: unknown): never => {
  const progress = source?.();
  if (isChainError(err) && err.code === 'PQ_NO_KEYS' && progress) {
    throw new ChainError(err.code, `${err.message}; this machine is making them (${progress.done}/${progress.total})`, { status: err.status, data: { progress } });
  }
  throw err;
};

/**
 * GET /privacy/keys/status: whether questions can be answered yet, and while this process makes
 * the keys, how far it is. Always 200, so a page can show a banner without a failed request.
 */
export function keysStatusRoutes(r: RouteKit, node: ModulePort, roles: readonly Role[], source?: KeysProgressSource): void {
  r.get('/keys/status', { summary: 'Whether the consortium has verification keys in force, and while this machine makes them, how far it is ({done, total, current}).', roles }, async (ctx) => {
    const adopted = await consortiumKeys(node.view(), node.genesis).then(
      () => true,
      (err: unknown) => (isChainError(err) && err.code === 'PQ_NO_KEYS' ? false : Promise.reject(err)),
    );
    const body: KeysStatus = { adopted, building: adopted ? null : (source?.() ?? null) };
    ctx.body = body;
  });
}
