import type { Admission } from '../../chain/module.ts';
import { ENTERPRISE_KINDS } from '../contracts/index.ts';
import { Material } from '../schema.ts';
import { requireStored } from './materialsStore.ts';

/** Filings and applications enterprises sign, at POST /tx: the materials they name must be stored on this node. */
export const approvalAdmission: Admission = {
  kinds: ENTERPRISE_KINDS,
  async before(raw, node) {
    const materials = Material.array().safeParse((raw.payload as { materials?: unknown } | undefined)?.materials ?? []);
    if (materials.success) await requireStored(node.db, materials.data);
  },
};
