import { z } from 'zod';
import { canonicalJson } from '../canonical.ts';
import { ChainError } from '../errors.ts';
import { DeptId, EncKey, type Member } from '../schema.ts';
import { suiteByName } from '../suites/index.ts';

/**
 * What a department hands the others to join a consortium: its names, its suite and the public halves
 * of its keys, signed with its own signing key. The self-signature proves the file was made by whoever
 * holds that key and that nothing in it changed on the way; it does not prove who the department is,
 * which is why the assembled genesis hash is compared out of band.
 */
export const MemberFile = z.strictObject({
  format: z.literal('tongban/member/v1'),
  dept: DeptId,
  name: z.string().min(1),
  nameEn: z.string().min(1),
  suite: z.enum(['ed25519', 'sm2']),
  nodeKey: z.string().regex(/^[0-9a-f]+$/),
  encKey: EncKey,
  signature: z.string().regex(/^[0-9a-f]+$/),
});
export type MemberFile = z.infer<typeof MemberFile>;

const message = (f: Omit<MemberFile, 'signature'>): Uint8Array => new TextEncoder().encode(`tongban/member/v1:${canonicalJson(f)}`);

export function signMemberFile(f: Omit<MemberFile, 'signature' | 'format'>, signingKey: string): MemberFile {
  const body = { format: 'tongban/member/v1' as const, ...f };
  return { ...body, signature: suiteByName(f.suite).sign(signingKey, message(body)) };
}

/** A member file as received: its shape, and its self-signature over every other field. */
export function checkMemberFile(raw: unknown, source = 'member file'): MemberFile {
  const parsed = MemberFile.safeParse(raw);
  if (!parsed.success) throw new ChainError('MEMBER_FILE_MALFORMED', `${source}: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  const { signature, ...body } = parsed.data;
  const suite = suiteByName(body.suite);
  if (body.nodeKey.length !== suite.publicKeyHexLength) throw new ChainError('MEMBER_FILE_MALFORMED', `${source}: a ${body.suite} key has ${suite.publicKeyHexLength} hex characters`);
  if (!suite.verify(body.nodeKey, message(body), signature)) {
    throw new ChainError('MEMBER_FILE_TAMPERED', `${source}: the signature does not match its content (changed after ${body.dept} signed it, or not signed by its key)`);
  }
  return parsed.data;
}

export const memberOf = (f: MemberFile): Member => ({ dept: f.dept, name: f.name, nameEn: f.nameEn, nodeKey: f.nodeKey, encKey: f.encKey });
