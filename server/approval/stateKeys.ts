/**
 * State keys of the approval module, in one place. Record ids are made from the block height
 * and the transaction's index in it (plus a counter when one transaction makes several), so
 * they are deterministic, unique and short enough to read out over the phone.
 */
export const ak = {
  enterprise: (code: string) => `ent/${code}`,
  filing: (code: string) => `filing/${code}`,
  app: (id: string) => `app/${id}`,
  licence: (id: string) => `lic/${id}`,
  /** an imported licence by its origin: department, source system, original number */
  importedLicence: (dept: string, source: string, number: string) => `licsrc/${dept}/${source}/${number}`,
  inspection: (id: string) => `insp/${id}`,
  case: (id: string) => `case/${id}`,
  creditFacts: (code: string) => `credit/facts/${code}`,
  creditScore: (code: string) => `credit/score/${code}`,
  creditWeights: () => 'credit/weights',
  rules: () => 'approval/rules',
  process: (id: string) => `approval/process/${id}`,
};

export const recordId = (prefix: 'AP' | 'LC' | 'IN' | 'CS', ctx: { height: number; index: number }, n?: number): string =>
  `${prefix}-${ctx.height}-${ctx.index}${n === undefined ? '' : `-${n}`}`;
