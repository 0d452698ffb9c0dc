import Router from '@koa/router';
import type { Context } from 'koa';
import { publicTx } from '../chain/http/chainRoutes.ts';
import { ClientDisable, ClientRegister, ClientRotateKey } from '../chain/contracts/clients.ts';
import { reject } from '../chain/errors.ts';
import { clientActorId, keys, type ClientRecord } from '../chain/identity.ts';
import { actAs, type ModulePort } from '../chain/modulePort.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import { currentUser, requireRole } from '../http/auth.ts';
import { apiDocs } from '../http/openapi.ts';

const doc = (method: 'get' | 'post', path: string, summary: string, body?: Parameters<typeof apiDocs.add>[0]['body']) =>
  apiDocs.add({ method, path: `/{dept}/api${path}`, summary, roles: ['admin'], body });

const idOf = (ctx: Context): string => {
  const id = ClientDisable.shape.id.safeParse(String(ctx.params.id));
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
  const r = new Router();
  const admin = requireRole('admin');
  const act = async (ctx: Context, kind: string, payload: Record<string, unknown>, id: string) => {
    const row: TxRow = await actAs(node, currentUser(ctx).id, kind, payload);
    const c = await node.view().get<ClientRecord>(keys.client(node.dept, id));
    ctx.body = { id: row.id, receipt: publicTx(row), final: row.height <= node.finalHeight, client: c ? clientView(c) : null };
  };

  doc('get', '/admin/clients', "The department's integration clients, enabled and disabled.");
  r.get('/admin/clients', admin, async (ctx) => {
    const ids = (await node.view().get<string[]>(keys.clients(node.dept))) ?? [];
    const found = await node.getMany(ids.map((id) => keys.client(node.dept, id)));
    ctx.body = { items: [...found.values()].map((v) => clientView(JSON.parse(v) as ClientRecord)) };
  });

  doc('post', '/admin/clients', 'Registers a client: {id, name, publicKey (its own, in the chain\'s suite), role, kinds, events}. Every kind must be one the role may submit.', ClientRegister);
  r.post('/admin/clients', admin, async (ctx) => {
    const p = ClientRegister.parse(ctx.request.body);
    await act(ctx, 'client.register', p, p.id);
    ctx.status = 201;
  });

  doc('post', '/admin/clients/{id}/disable', 'Disables a client: every later transaction and signed read of it is refused, on every node.');
  r.post('/admin/clients/:id/disable', admin, async (ctx) => {
    const id = idOf(ctx);
    await act(ctx, 'client.disable', { id }, id);
  });

  doc('post', '/admin/clients/{id}/rotate', "Replaces a client's key with {publicKey}; the old key is refused from the next block on.", ClientRotateKey.omit({ id: true }));
  r.post('/admin/clients/:id/rotate', admin, async (ctx) => {
    const id = idOf(ctx);
    const p = ClientRotateKey.parse({ ...(ctx.request.body as object), id });
    await act(ctx, 'client.rotateKey', p, id);
  });

  return r;
}
