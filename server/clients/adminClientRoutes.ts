import type Router from '@koa/router';
import type { Context } from 'koa';
import { publicTx } from '../chain/http/chainRoutes.ts';
import { ClientDisable, ClientId, ClientRegister, ClientRotateKey } from '../chain/contracts/clients.ts';
import { reject } from '../chain/errors.ts';
import { clientActorId, keys, type ClientRecord } from '../chain/identity.ts';
import { actAs, type ModulePort } from '../chain/modulePort.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { RouteKit } from '../http/routeKit.ts';

const idOf = (raw: string): string => {
  const id = ClientDisable.shape.id.safeParse(raw);
  return id.success ? id.data : reject('BAD_CLIENT_ID', 'a client id is 2-24 lowercase letters, digits, dots, dashes or underscores');
};

/** A client as its administrator sees it: who it is, its role and grants, its key, whether it is enabled. */
export const clientView = (c: ClientRecord) => ({ ...c, actor: clientActorId(c.dept, c.id), keysOld: c.keysOld ?? [] });

/**
 * The administrator's pages for the department's integration clients: list, register with the
 * public key the client's own system made, disable, rotate its key. Each change is a transaction
 * the node signs for the signed-in administrator, checked before it is ordered.
 */
export function adminClientRoutes(node: ModulePort): Router {
  const r = new RouteKit();
  const act = async (ctx: Context, user: string, kind: string, payload: Record<string, unknown>, id: string) => {
    const row: TxRow = await actAs(node, user, kind, payload);
    const c = await node.view().get<ClientRecord>(keys.client(node.dept, id));
    ctx.body = { id: row.id, receipt: publicTx(row), final: row.height <= node.finalHeight, client: c ? clientView(c) : null };
  };

  r.get('/admin/clients', { summary: "The department's integration clients, enabled and disabled.", roles: ['admin'] }, async (ctx) => {
    const ids = (await node.view().get<string[]>(keys.clients(node.dept))) ?? [];
    const found = await node.getMany(ids.map((id) => keys.client(node.dept, id)));
    ctx.body = { items: [...found.values()].map((v) => clientView(JSON.parse(v) as ClientRecord)) };
  });

  r.post('/admin/clients', { summary: 'Registers a client: {id, name, publicKey (its own, in the chain\'s suite), role, kinds, events}. Every kind must be one the role may submit.', roles: ['admin'], body: ClientRegister }, async (ctx, { body: p, user }) => {
    await act(ctx, user.id, 'client.register', p, p.id);
    ctx.status = 201;
  });

  r.post('/admin/clients/:id/disable', { summary: 'Disables a client: every later transaction and signed read of it is refused, on every node.', roles: ['admin'], params: { id: ClientId } }, async (ctx, { params, user }) => {
    const id = idOf(params.id);
    await act(ctx, user.id, 'client.disable', { id }, id);
  });

  r.post('/admin/clients/:id/rotate', { summary: "Replaces a client's key with {publicKey}; the old key is refused from the next block on.", roles: ['admin'], params: { id: ClientId }, body: ClientRotateKey.omit({ id: true }) }, async (ctx, { params, body, user }) => {
    const id = idOf(params.id);
    await act(ctx, user.id, 'client.rotateKey', { ...body, id }, id);
  });

  return r.router;
}
