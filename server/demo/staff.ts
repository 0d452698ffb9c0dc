import type { Role } from '../chain/schema.ts';

/** Demo staff per department: who works where, in which role (ids are login names). */
export const DEMO_STAFF: { dept: string; id: string; name: string; role: Role }[] = [
  { dept: 'market', id: 'approver1', name: '王审批', role: 'approver' },
  { dept: 'market', id: 'inspector1', name: '李监管', role: 'inspector' },
  { dept: 'market', id: 'holder1', name: '赵数据', role: 'holder' },
  { dept: 'tax', id: 'holder1', name: '钱税务', role: 'holder' },
  { dept: 'tax', id: 'approver1', name: '孙审核', role: 'approver' },
  { dept: 'hrss', id: 'holder1', name: '周社保', role: 'holder' },
  { dept: 'housing', id: 'approver1', name: '吴住建', role: 'approver' },
  { dept: 'housing', id: 'inspector1', name: '郑质监', role: 'inspector' },
  { dept: 'enforcement', id: 'enforcer1', name: '冯执法', role: 'enforcer' },
  { dept: 'enforcement', id: 'inspector1', name: '陈巡查', role: 'inspector' },
  { dept: 'enforcement', id: 'holder1', name: '褚案卷', role: 'holder' },
  { dept: 'econ', id: 'policy1', name: '卫政策', role: 'policy' },
  { dept: 'econ', id: 'expert1', name: '蒋专家', role: 'expert' },
  { dept: 'econ', id: 'expert2', name: '沈专家', role: 'expert' },
  { dept: 'econ', id: 'expert3', name: '韩专家', role: 'expert' },
  { dept: 'finance', id: 'finance1', name: '杨财务', role: 'finance' },
  // a payment run takes two: one prepares it, the other approves it
  { dept: 'finance', id: 'finance2', name: '许复核', role: 'finance' },
  { dept: 'audit', id: 'auditor1', name: '朱审计', role: 'auditor' },
  { dept: 'service', id: 'clerk1', name: '秦窗口', role: 'clerk' },
];
