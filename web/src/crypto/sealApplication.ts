import { seal, type SealRecipient } from '@shared/sealing.ts';

/**
 * Seals what the enterprise writes and attaches to a subsidy application in this browser, before
 * it signs: the statement, and the attachments' file names in one envelope, to the policy's
 * department alone (`department` of GET /payout/policies/{id}/sealing), whose experts read them on
 * its node. Hash, type and size of each attachment stay public (server/policy-payout/applicationSeal.ts).
 */
export async function sealApplication<A extends { hash: string; name: string }>(statement: string, attachments: A[], to: SealRecipient[]) {
  const names = Object.fromEntries(attachments.map((a) => [a.hash, a.name]));
  return {
    statement: await seal(statement, to),
    attachments: attachments.map(({ name: _name, ...a }) => a),
    ...(attachments.length ? { attachmentNames: await seal(names, to) } : {}),
  };
}

/** An objection's reasons, sealed to the policy's department, which resolves it. */
export const sealReasons = (reasons: string, to: SealRecipient[]) => seal(reasons, to);
