import type Router from '@koa/router';
import { z } from 'zod';
import { ChainError } from '../../chain/errors.ts';
import type { ModulePort } from '../../chain/modulePort.ts';
import { currentUser } from '../../http/auth.ts';
import { assertCreditCode } from '../../../shared/creditCode.ts';
import { DOSSIER_SECTIONS } from './access.ts';
import { Purpose } from './common.ts';
import { checkUpload, MIME, readLimited, storeBlob } from './materialsStore.ts';
import * as q from '../readModel/queries.ts';
import { fetchMaterial } from '../peers/fetchMaterial.ts';
import { notFound, RouteKit } from '../../http/routeKit.ts';

const HashParam = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * Material files: uploaded to the receiving node (the enterprise itself, or the window on its
 * behalf), answered with the SHA-256 that the signed filing then names. Reading a file is a
 * look at the enterprise like the dossier: staff give a purpose and the look is recorded.
 */
export function materialRoutes(node: ModulePort): Router {
  const r = new RouteKit('/approval');

  r.post('/materials', { summary: 'Upload one material (raw body, Content-Type application/pdf, image/png or image/jpeg, at most 5 MB); returns its SHA-256. Clerks add ?code=.', roles: ['enterprise', 'clerk'] }, async (ctx) => {
    const u = currentUser(ctx);
    const owner = u.role === 'enterprise' ? u.id : String(ctx.query.code ?? '');
    assertCreditCode(owner);
    if (!(await q.enterpriseExists(node.db, owner))) throw notFound('enterprise');
    const body = await readLimited(ctx.req);
    const type = checkUpload(ctx.get('content-type'), body);
    ctx.status = 201;
    ctx.body = await storeBlob(node.db, { body, type, owner, uploadedBy: u.role === 'enterprise' ? `ent:${u.id}` : `${u.dept}/${u.id}` });
  });

  r.get('/materials/:hash', { summary: 'Download a material. The enterprise: its own. Staff entitled to materials: with ?purpose=, recorded on the chain.', roles: ['enterprise', 'approver', 'inspector', 'auditor', 'clerk'] }, async (ctx, { params }) => {
    const u = currentUser(ctx);
    const hash = HashParam.safeParse(params.hash);
    if (!hash.success) throw notFound('material');
    let blob: { type: string; content: Buffer; owner_code?: string | null } | undefined = await q.blob(node.db, hash.data);
    if (u.role === 'enterprise') {
      if (!blob) throw notFound('material');
      const filed = await q.materialFiler(node.db, hash.data, u.id);
      if (blob.owner_code !== u.id && !filed) throw notFound('material');
    } else {
      if (!DOSSIER_SECTIONS[u.role]?.includes('materials')) throw new ChainError('FORBIDDEN', `role ${u.role} may not open materials`, { status: 403 });
      // Staff see a file only once some enterprise has filed it, and only with a recorded purpose.
      const filed = await q.filedMaterial(node.db, hash.data);
      if (!filed) throw notFound('material');
      const { purpose } = Purpose.parse(ctx.query);
      const { id } = await node.submit(node.signAs(u.id, 'dossier.view', { code: filed.code, purpose, sections: ['materials'], item: `material:${hash.data}` }));
      ctx.set('x-dossier-view-tx', id);
      // Received by another department's node: fetched from it by hash, checked, kept here.
      blob ??= await fetchMaterial(node, filed, { user: u.id, viewTx: id });
    }
    ctx.type = MIME[blob.type as keyof typeof MIME];
    ctx.set('content-disposition', `attachment; filename="${hash.data}.${blob.type === 'jpeg' ? 'jpg' : blob.type}"`);
    ctx.set('x-content-type-options', 'nosniff');
    ctx.body = blob.content;
  });

  return r.router;
}
