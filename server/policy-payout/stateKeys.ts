/**
 * State keys of the payout module, in one place. Ids come from the block height and the
 * transaction's index, so they are deterministic on every node and short enough to read out.
 * An award is named after its application (one application, at most one award).
 */
export const pk = {
  policy: (id: string) => `pay/policy/${id}`,
  /** the version that replaced a policy; a policy's own record never changes once published */
  successor: (id: string) => `pay/next/${id}`,
  ledger: (policy: string) => `pay/ledger/${policy}`,
  app: (id: string) => `pay/app/${id}`,
  /** 重复申报: one application per enterprise per policy lineage (all versions of a policy) */
  claim: (lineage: string, code: string) => `pay/claim/${lineage}/${code}`,
  /** 多头申报: one live application per enterprise per mutual-exclusion group */
  group: (group: string, code: string) => `pay/group/${group}/${code}`,
  award: (id: string) => `pay/award/${id}`,
  publication: (id: string) => `pay/pub/${id}`,
  objection: (id: string) => `pay/objection/${id}`,
  run: (id: string) => `pay/run/${id}`,
  expert: (dept: string, id: string) => `pay/expert/${dept}/${id}`,
  expertPool: (dept: string) => `pay/experts/${dept}`,
  /** the experts a policy's reviewers are drawn from, fixed when it was published */
  panel: (policy: string) => `pay/panel/${policy}`,
  /** awards of a policy by stage, bucketed (see bucketSet.ts) so a contract can list them */
  stage: (policy: string, stage: AwardQueue) => `pay/q/${policy}/${stage}`,
};

export type AwardQueue = 'approved' | 'publicised' | 'payable' | 'failed';

type At = { height: number; index: number };
export const policyId = (ctx: At) => `PL-${ctx.height}-${ctx.index}`;
export const applicationId = (ctx: At) => `PA-${ctx.height}-${ctx.index}`;
export const awardIdOf = (applicationId: string) => `AW-${applicationId.slice(3)}`;
export const publicationId = (ctx: At) => `PB-${ctx.height}-${ctx.index}`;
export const objectionId = (ctx: At) => `OB-${ctx.height}-${ctx.index}`;
export const runId = (ctx: At) => `PR-${ctx.height}-${ctx.index}`;
/** ISO 20022 EndToEndId (Max35Text): the award and the attempt, so a retry never reuses an id */
export const endToEndId = (award: string, attempt: number) => `${award}-${attempt}`;
/** The award an end-to-end id pays, and which attempt it is. */
export function parseEndToEndId(id: string): { award: string; attempt: number } | undefined {
  const m = /^(AW-[0-9]{1,10}-[0-9]{1,5})-([0-9]{1,6})$/.exec(id);
  return m ? { award: m[1], attempt: Number(m[2]) } : undefined;
}

export const RecordIdPattern = (prefix: string) => new RegExp(`^${prefix}-[0-9]{1,10}-[0-9]{1,5}$`);
