import type { Context, Next } from 'koa';
import { reject } from '../chain/errors.ts';
import { keys, type ClientRecord } from '../chain/identity.ts';
import type { ModulePort } from '../chain/modulePort.ts';
import type { Role } from '../chain/schema.ts';
import { suiteByName } from '../chain/suites/index.ts';
import { requireRole } from '../http/auth.ts';
import { clientRequestText, isClientAuth, parseClientAuth, REQUEST_WINDOW_MS } from '../../shared/clientRequest.ts';

/**
 * Signatures seen within the window, so a captured request is not answered twice. In memory:
 * a restart forgets them, and a request older than the window is refused by its time anyway.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs = REQUEST_WINDOW_MS) {}

  /** false when `sig` was seen within the window */
  first(sig: string, now: number): boolean {
    if (this.seen.size > 10_000) for (const [s, at] of this.seen) if (now - at > 2 * this.windowMs) this.seen.delete(s);
    const at = this.seen.get(sig);
    if (at !== undefined && now - at <= 2 * this.windowMs) return false;
    this.seen.set(sig, now);
    return true;
  }
}

export const hasClientAuth = (ctx: Context): boolean => isClientAuth(ctx.get('authorization') || undefined);

/**
 * The client a signed request comes from (shared/clientRequest.ts), checked against committed
 * state: an enabled client of this department, its current key, a fresh time, a signature not
 * seen before. Every refusal is a 401 or 403 with its code; nothing is written.
 */
export async function authenticateClient(node: ModulePort, ctx: Context, guard: ReplayGuard, now = Date.now()): Promise<ClientRecord> {
  const auth = parseClientAuth(ctx.get('authorization'));
  if (!auth) return reject('BAD_CLIENT_AUTH', 'authorization must be "TongbanClient id=<client>,t=<unix ms>,sig=<hex>" (see sdk/README.md)', 401);
  if (Math.abs(now - auth.t) > REQUEST_WINDOW_MS) {
    return reject('STALE_REQUEST', `the request was signed at ${auth.t}, more than ${REQUEST_WINDOW_MS / 1000} s from this node's clock; check the client's clock`, 401);
  }
  const c = await node.view().get<ClientRecord>(keys.client(node.dept, auth.id));
  if (!c) return reject('UNKNOWN_CLIENT', `no client ${auth.id} in ${node.dept}`, 401);
  const suite = suiteByName(node.genesis.suite);
  const text = new TextEncoder().encode(clientRequestText(node.genesis.chain, node.dept, auth.id, ctx.method, ctx.originalUrl, auth.t));
  if (!suite.verify(c.key, text, auth.sig)) {
    if ((c.keysOld ?? []).some((k) => suite.verify(k, text, auth.sig))) return reject('KEY_ROTATED', `this key of client ${c.id} was replaced; sign with its current key`, 403);
    return reject('BAD_SIGNATURE', `the signature does not match the request and client ${c.id}'s key`, 401);
  }
  if (!c.active) return reject('CLIENT_DISABLED', `client ${c.id} is disabled`, 403);
  if (!guard.first(auth.sig, now)) return reject('REPLAYED', 'this signed request was already answered; sign each request afresh', 401);
  return c;
}

/**
 * Route guard for what a department's systems read: a signed request of one of its clients
 * (the client in `ctx.state.client`), or else a session in one of `roles`.
 */
export function clientOr(node: ModulePort, ...roles: Role[]) {
  const guard = new ReplayGuard();
  const staff = requireRole(...roles);
  return async (ctx: Context, next: Next) => {
    if (!hasClientAuth(ctx)) return staff(ctx, next);
    ctx.state.client = await authenticateClient(node, ctx, guard);
    await next();
  };
}
