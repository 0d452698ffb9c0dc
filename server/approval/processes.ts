import { z } from 'zod';
import { DeptId } from '../chain/schema.ts';
import { Grade } from './schema.ts';

/**
 * Approval processes are data: phases run one after another, the stages inside a phase run in
 * parallel, each owned by a department with a deadline in working days and checks that the
 * approver sees (and, when blocking, must pass). The consortium can publish a new version of a
 * definition by governance (approval.setProcess); these are the ones the chain starts with.
 */
export const CheckDef = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('creditGrade'), min: Grade, blocking: z.boolean().default(true) }),
  z.strictObject({
    type: z.literal('privacy'),
    /** the department that holds the figure, and the field asked about */
    dept: DeptId,
    field: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/),
    op: z.enum(['gte', 'lte', 'eq', 'validOn', 'noneWithin']),
    value: z.string().max(40),
    label: z.string().min(1).max(100),
    blocking: z.boolean().default(false),
  }),
]);
export type CheckDef = z.infer<typeof CheckDef>;

export const StageDef = z.strictObject({
  id: z.string().regex(/^[a-z][a-zA-Z0-9]{1,40}$/),
  name: z.string().min(1).max(60),
  nameEn: z.string().min(1).max(80),
  dept: DeptId,
  days: z.number().int().min(1).max(120),
  checks: z.array(CheckDef).max(10).default([]),
});
export type StageDef = z.infer<typeof StageDef>;

export const ProcessDef = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-zA-Z0-9-]{1,40}$/),
    version: z.number().int().min(1),
    name: z.string().min(1).max(60),
    nameEn: z.string().min(1).max(80),
    /** who supervises what this process approves (post-approval checks go there) */
    supervisingDept: DeptId,
    phases: z.array(z.strictObject({ stages: z.array(StageDef).min(1).max(8) })).min(1).max(10),
    /** 告知承诺制: enterprises at or above this grade are approved on their signed commitment */
    commitment: z.strictObject({ minGrade: Grade, postCheckDays: z.number().int().min(1).max(250) }).optional(),
    /** the licence issued when the whole process is approved */
    licence: z.strictObject({ type: z.string().regex(/^[a-z][a-zA-Z0-9-]{1,40}$/), name: z.string().min(1).max(60), dept: DeptId, validDays: z.number().int().min(1).max(36_600) }).optional(),
  })
  .refine((p) => new Set(p.phases.flatMap((ph) => ph.stages.map((s) => s.id))).size === p.phases.flatMap((ph) => ph.stages).length, 'stage ids must be unique');
export type ProcessDef = z.infer<typeof ProcessDef>;

const taxPaid = { type: 'privacy', dept: 'tax', field: 'tax.paidAnnual', op: 'gte', value: '100000000', label: '上年度纳税额不低于100万元', blocking: false } as const;
const insured = { type: 'privacy', dept: 'hrss', field: 'hrss.insuredEmployees', op: 'gte', value: '20', label: '参保职工不少于20人', blocking: false } as const;
const noCases = { type: 'privacy', dept: 'enforcement', field: 'enforcement.cases', op: 'noneWithin', value: '12m', label: '近12个月无行政处罚案件', blocking: false } as const;

/** 工程建设项目审批: four phases as in the national reform (立项用地规划 → 工程建设许可 → 施工许可 → 竣工验收). */
export const CONSTRUCTION: ProcessDef = ProcessDef.parse({
  id: 'construction',
  version: 1,
  name: '工程建设项目审批',
  nameEn: 'Construction project approval',
  supervisingDept: 'housing',
  phases: [
    {
      stages: [
        { id: 'landUse', name: '立项用地规划许可', nameEn: 'Project and land-use planning permit', dept: 'housing', days: 5, checks: [{ type: 'creditGrade', min: 'C' }] },
      ],
    },
    {
      stages: [
        { id: 'planning', name: '工程建设许可', nameEn: 'Construction works planning permit', dept: 'housing', days: 10, checks: [{ type: 'creditGrade', min: 'C' }] },
        { id: 'qualification', name: '企业资质核验', nameEn: 'Enterprise qualification check', dept: 'market', days: 3, checks: [taxPaid] },
        { id: 'siteManagement', name: '施工场地与渣土处置审查', nameEn: 'Site and spoil disposal review', dept: 'enforcement', days: 5, checks: [noCases] },
      ],
    },
    {
      stages: [
        { id: 'constructionPermit', name: '施工许可', nameEn: 'Construction permit', dept: 'housing', days: 7, checks: [{ type: 'creditGrade', min: 'B' }, insured] },
      ],
    },
    {
      stages: [
        { id: 'completion', name: '竣工验收', nameEn: 'Completion acceptance', dept: 'housing', days: 10, checks: [] },
        { id: 'completionSite', name: '竣工市容环境验收', nameEn: 'Completion site and city appearance check', dept: 'enforcement', days: 5, checks: [] },
      ],
    },
  ],
  commitment: { minGrade: 'A', postCheckDays: 20 },
  licence: { type: 'constructionPermit', name: '建筑工程施工许可证', dept: 'housing', validDays: 1095 },
});

/** 食品经营许可: one stage at market regulation; 告知承诺 for grade B and better, checked within 20 working days. */
export const FOOD_LICENCE: ProcessDef = ProcessDef.parse({
  id: 'foodLicence',
  version: 1,
  name: '食品经营许可',
  nameEn: 'Food business licence',
  supervisingDept: 'market',
  phases: [{ stages: [{ id: 'review', name: '许可审查', nameEn: 'Licence review', dept: 'market', days: 10, checks: [{ type: 'creditGrade', min: 'C' }] }] }],
  commitment: { minGrade: 'B', postCheckDays: 20 },
  licence: { type: 'foodBusiness', name: '食品经营许可证', dept: 'market', validDays: 1825 },
});

export const SHIPPED_PROCESSES: ProcessDef[] = [CONSTRUCTION, FOOD_LICENCE];
