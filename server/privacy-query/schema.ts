import { z } from 'zod';
import { clsAll } from '../chain/classification.ts';
import { QueryRequestSchema } from './raise.ts';
import { Prose } from '../chain/text.ts';

/** Zod schemas of the module's transaction payloads: the single source of their types. */

const QueryId = z.string().regex(/^[0-9a-f]{64}$/, 'a query id is 64 lowercase hex characters');
const FieldName = z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/).max(31);
const Period = z.string().regex(/^[0-9]{4,8}$/, 'a period is 4 to 8 decimal digits');
/** A canonical decimal field element (the zk layer checks it is below p). */
const Decimal = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'a canonical decimal integer');

/** At most what fits a 64 KiB transaction: about 110 bytes an item. */
export const MAX_COMMIT_ITEMS = 560;

/** privacy.commit: one holder's commitments to one figure and period, as [credit code, commitment] pairs. */
export const CommitPayload = z.strictObject(clsAll({
  field: FieldName,
  period: Period,
  items: z.array(z.tuple([z.string().length(18), Decimal])).min(1).max(MAX_COMMIT_ITEMS),
}, 'public'));
export type CommitPayload = z.infer<typeof CommitPayload>;

/** privacy.ask: a question in the asker's own name (the requester is the signed actor, never the payload). */
export const AskPayload = QueryRequestSchema.omit({ requester: true });
export type AskPayload = z.infer<typeof AskPayload>;

const Coord = z.string().regex(/^(0|[1-9][0-9]{0,77})$/);

/** snarkjs's Groth16 proof JSON; the verifier also insists on canonical coordinates. */
export const Groth16ProofSchema = z.strictObject(clsAll({
  pi_a: z.array(Coord).length(3),
  pi_b: z.array(z.array(Coord).length(2)).length(3),
  pi_c: z.array(Coord).length(3),
  protocol: z.literal('groth16'),
  curve: z.literal('bn128'),
}, 'public'));

/** privacy.answer: only the answer and its proof; the public signals are rebuilt from the chain. */
export const AnswerPayload = z.strictObject(clsAll({ query: QueryId, answer: z.boolean(), proof: Groth16ProofSchema }, 'public'));
export type AnswerPayload = z.infer<typeof AnswerPayload>;

export const DeclinePayload = z.strictObject(clsAll({ query: QueryId, reason: Prose(200) }, 'public'));
export type DeclinePayload = z.infer<typeof DeclinePayload>;

export { QueryId };
