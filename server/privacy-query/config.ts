import { z } from 'zod';
import { DeptId, type Genesis } from '../chain/schema.ts';
import type { StateView } from '../chain/state.ts';
import { reject } from '../chain/errors.ts';
import { isCalendarDay } from './zk/predicates.ts';
import { pq } from './stateKeys.ts';
import { QuestionSpec } from './questions.ts';

/**
 * The consortium's privacy-query rules: which figures exist and who holds them, which statutes let a
 * department ask without the enterprise's consent, how long a question stays open. They start from
 * `genesis.config.privacy` (or the demo city's defaults) and change only by the governance action
 * privacy.setRules; handlers read them through loadPrivacyConfig, never from anywhere else.
 */

const FieldName = z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/).max(31);

export const FieldDef = z.strictObject({
  name: FieldName,
  holder: DeptId,
  /** value: one integer (gte/lte/range/eq); interval: a packed validity interval (dateValid); set: see below */
  kind: z.enum(['value', 'interval', 'set']),
  unit: z.string().min(1).max(20),
  /** how the period of a figure is written; integer order must be time order */
  period: z.enum(['yyyy', 'yyyymm', 'yyyymmdd']),
  label: z.string().min(1).max(40),
  labelEn: z.string().min(1).max(80),
  /** other names the same figure goes by (consents and approval checks written before this config) */
  aliases: z.array(FieldName).max(5).default([]),
});
export type FieldDef = z.infer<typeof FieldDef>;

/**
 * A law that lets a department ask without the enterprise's consent, and only what it names: the
 * questions it allows (any period), or, with `origin`, only questions asked for an open case of that
 * kind: an approval application or inspection/enforcement case of the asking department about this
 * enterprise (with `questions` naming what may be asked then), or a policy application (the
 * published policy's rule gives the question, asked by the application itself).
 */
export const Statute = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
    /** the department the law lets ask */
    dept: DeptId,
    field: FieldName,
    basis: z.string().min(1).max(300),
    questions: z.array(QuestionSpec).max(10).default([]),
    origin: z.enum(['approval', 'case', 'payout']).optional(),
  })
  .refine((s) => s.questions.length > 0 || s.origin === 'payout', { message: 'a statute names the questions it allows, unless a published policy gives them (origin payout)' });
export type Statute = z.infer<typeof Statute>;

/*
 * Demo city figures. enforcement.cases is a "set" field: the holder commits, per enterprise and as-of day
 * (period yyyymmdd), the day of its latest case (0 if none). "Free of cases between `from` and the as-of
 * day" is then "latest case day is not in the set of days [from, as-of]", proved with set_membership.
 */
export const DEFAULT_FIELDS: z.input<typeof FieldDef>[] = [
  { name: 'tax.paid', holder: 'tax', kind: 'value', unit: 'fen', period: 'yyyy', label: '年度纳税额', labelEn: 'tax paid in the year', aliases: ['tax.paidAnnual'] },
  { name: 'hrss.insured', holder: 'hrss', kind: 'value', unit: 'persons', period: 'yyyymm', label: '参保职工人数', labelEn: 'insured employees in the month', aliases: ['hrss.insuredEmployees'] },
  { name: 'market.licence', holder: 'market', kind: 'interval', unit: 'yyyymmdd', period: 'yyyy', label: '营业执照有效期', labelEn: 'business licence validity' },
  { name: 'market.capital', holder: 'market', kind: 'value', unit: 'fen', period: 'yyyy', label: '注册资本', labelEn: 'registered capital' },
  { name: 'enforcement.cases', holder: 'enforcement', kind: 'set', unit: 'yyyymmdd', period: 'yyyymmdd', label: '行政处罚案件', labelEn: 'enforcement cases' },
];

export const DEFAULT_STATUTES: Statute[] = [
  { id: 'payout-tax', dept: 'econ', field: 'tax.paid', basis: '《滨江市惠企政策兑现管理办法》第十二条：兑现部门可核验申报企业的纳税情况', questions: [], origin: 'payout' },
  { id: 'payout-insured', dept: 'econ', field: 'hrss.insured', basis: '《滨江市惠企政策兑现管理办法》第十二条：兑现部门可核验申报企业的参保人数', questions: [], origin: 'payout' },
  { id: 'payout-cases', dept: 'econ', field: 'enforcement.cases', basis: '《滨江市惠企政策兑现管理办法》第十三条：有行政处罚记录的企业不予兑现', questions: [], origin: 'payout' },
  { id: 'approval-licence', dept: 'housing', field: 'market.licence', basis: '《优化营商环境条例》第十九条：审批部门通过共享核验营业执照', questions: [{ kind: 'dateValid' }], origin: 'approval' },
  { id: 'approval-cases', dept: 'housing', field: 'enforcement.cases', basis: '《建筑市场信用管理暂行办法》第九条：审批时核查行政处罚记录', questions: [{ kind: 'notInSet', value: '12m' }], origin: 'approval' },
  { id: 'audit-tax', dept: 'audit', field: 'tax.paid', basis: '《审计法》第三十四条：审计机关有权要求被审计单位提供有关资料', questions: [{ kind: 'gte', value: '1' }] },
];

export const PrivacyConfig = z.strictObject({
  fields: z.array(FieldDef).min(1).max(50).prefault(DEFAULT_FIELDS),
  statutes: z.array(Statute).max(200).default(DEFAULT_STATUTES),
  /** a question not answered within this many blocks expires */
  expiryBlocks: z.number().int().min(1).max(1_000_000).default(1000),
  /**
   * How many distinct cut points (see disclosure.ts) may ever be asked of one enterprise's figure for
   * one period, by all departments together: every node sees every answer, so this bounds what the
   * whole consortium can learn of the figure. Asking an already-asked question again is free.
   */
  maxDistinctQuestions: z.number().int().min(1).max(64).default(2),
  /** the longest window of days a set question may name (the set is built on every node) */
  maxSetDays: z.number().int().min(1).max(3660).default(1100),
  /** the verification keys every node checks proofs with; see keys.ts for how they get here */
  verificationKeys: z.record(z.string(), z.unknown()).optional(),
});
export type PrivacyConfig = z.infer<typeof PrivacyConfig>;
/** What governance may change: everything but the keys, which have their own action. */
export const PrivacyRules = PrivacyConfig.omit({ verificationKeys: true });
export type PrivacyRules = z.infer<typeof PrivacyRules>;

const fromGenesis = new WeakMap<Genesis, PrivacyConfig>();

export function genesisPrivacyConfig(genesis: Genesis): PrivacyConfig {
  let c = fromGenesis.get(genesis);
  if (!c) fromGenesis.set(genesis, (c = PrivacyConfig.parse(genesis.config.privacy ?? {})));
  return c;
}

/** The rules in force: the consortium's last governance decision, else genesis. */
export async function loadPrivacyConfig(state: StateView, genesis: Genesis): Promise<PrivacyRules> {
  return (await state.get<PrivacyRules>(pq.rules())) ?? genesisPrivacyConfig(genesis);
}

/** A field by its name or one of its aliases. */
export function findField(cfg: PrivacyRules, name: string): FieldDef | undefined {
  return cfg.fields.find((f) => f.name === name || f.aliases.includes(name));
}

export function requireField(cfg: PrivacyRules, name: string): FieldDef {
  return findField(cfg, name) ?? reject('PQ_UNKNOWN_FIELD', `no figure "${name}" in the consortium's privacy configuration`, 404);
}

/** A period as the field writes it: decimal digits whose integer order is time order. */
export function isValidPeriod(f: FieldDef, period: string): boolean {
  switch (f.period) {
    case 'yyyy':
      return /^[12][0-9]{3}$/.test(period);
    case 'yyyymm':
      return /^[12][0-9]{3}(0[1-9]|1[0-2])$/.test(period);
    case 'yyyymmdd':
      return /^[0-9]{8}$/.test(period) && isCalendarDay(BigInt(period));
  }
}

/** Predicate kinds that make sense for a field's kind (and that its circuit can prove). */
export const PREDICATES_BY_KIND: Record<FieldDef['kind'], readonly string[]> = {
  value: ['gte', 'lte', 'range', 'eq'],
  interval: ['dateValid'],
  set: ['inSet', 'notInSet'],
};
