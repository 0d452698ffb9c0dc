import { reject } from '../chain/errors.ts';
import { seal, type Sealed, type SealOptions, type SealRecipient } from '../chain/sealing/envelope.ts';
import type { StateView } from '../chain/state.ts';
import { checkSealedTo, openForView } from './deptSeal.ts';
import type { SealedMark } from './records.ts';
import type { AttachmentDraft, AttachmentNames } from './schema.ts';

interface Apply {
  statement: Sealed;
  attachments: { hash: string; type: string; size: number }[];
  attachmentNames?: Sealed;
}
const HINT = 'the policy\'s department: GET /api/payout/policies/{id}/sealing';

/**
 * Contract side: the statement, and the attachments' names when there are attachments, are
 * sealed to the policy's department by its current key. Recipients only, never the plaintext.
 */
export async function checkApplicationSeal(state: StateView, policyDept: string, p: Apply): Promise<void> {
  await checkSealedTo(state, p.statement, [policyDept], 'the statement', HINT);
  if (p.attachments.length > 0 && !p.attachmentNames) reject('SEAL_MISSING', 'the application lists attachments but not their sealed names (attachmentNames)');
  if (p.attachments.length === 0 && p.attachmentNames) reject('SEAL_MISSING', 'attachmentNames is sealed for attachments the application does not list');
  if (p.attachmentNames) await checkSealedTo(state, p.attachmentNames, [policyDept], 'the attachments\' names', HINT);
}

/** What the enterprise signs: its statement and attachment names sealed (the browser does the same). */
export async function sealApplication(statement: string, drafts: readonly AttachmentDraft[], to: SealRecipient[], o: SealOptions = {}): Promise<Apply & { attachments: Omit<AttachmentDraft, 'name'>[] }> {
  const attachments = drafts.map(({ name: _n, ...a }) => a);
  const names: AttachmentNames = Object.fromEntries(drafts.map((a) => [a.hash, a.name]));
  return {
    statement: await seal(statement, to, o),
    attachments,
    ...(attachments.length ? { attachmentNames: await seal(names, to, o) } : {}),
  };
}

/** The statement and names as a read model keeps them: opened on the policy department's node, else who they are sealed to. */
export async function applicationTextView(a: Apply, keyring: ReadonlyMap<string, string>): Promise<{ statement?: string; statementSealed?: SealedMark; attachments: (Apply['attachments'][number] & { name?: string })[] }> {
  const st = await openForView<string>(a.statement, keyring);
  const names = a.attachmentNames ? await openForView<AttachmentNames>(a.attachmentNames, keyring) : undefined;
  const byHash = names && 'value' in names ? names.value : {};
  const attachments = a.attachments.map(({ name: _n, ...m }: Apply['attachments'][number] & { name?: string }) => (byHash[m.hash] !== undefined ? { ...m, name: byHash[m.hash] } : m));
  return { ...('value' in st ? { statement: st.value } : { statementSealed: st.sealed }), attachments };
}

/** The attachments' names this node can read, by hash (none where it is not the policy's department). */
export async function attachmentNamesOf(a: Apply, keyring: ReadonlyMap<string, string>): Promise<AttachmentNames> {
  if (!a.attachmentNames) return {};
  const o = await openForView<AttachmentNames>(a.attachmentNames, keyring);
  return 'value' in o ? o.value : {};
}
