import {
  Briefcase, Checked, Connection, DataLine, EditPen, Histogram, Lock, Monitor, OfficeBuilding, Operation, Postcard, Promotion, Search, Share, Stamp, Tickets, UserFilled, View,
} from '@element-plus/icons-vue';
import type { Role } from './api/auth/types.ts';
import type { PageEntry } from './menus.ts';

/**
 * The pages of each persona's work: the enterprise (一表申报, 申请, 我的申请), the one window
 * (企业登记), approval (待办, 统计), supervision and enforcement (检查, 案件, 闭环), audit (追溯,
 * 一致性, 篡改检测) and consortium administration (成员, 治理, 人员, 健康). Spread into `pages`.
 */
const STATS: readonly Role[] = ['approver', 'admin', 'auditor', 'inspector', 'enforcer', 'clerk', 'policy'];

export const workPages: PageEntry[] = [
  // 企业办事
  { path: 'filing', name: 'filing', title: 'ap.menu.filing', roles: ['enterprise'], icon: EditPen, group: 'ap.menu.enterpriseGroup', order: 10, view: () => import('./views/enterprise/FilingView.vue') },
  { path: 'apply', name: 'apply', title: 'ap.menu.apply', roles: ['enterprise'], icon: Promotion, group: 'ap.menu.enterpriseGroup', order: 11, view: () => import('./views/enterprise/ApplyView.vue') },
  { path: 'data-use', name: 'data-use', title: 'acc.dataUse.menu', roles: ['enterprise'], icon: View, group: 'ap.menu.enterpriseGroup', order: 13, view: () => import('./views/enterprise/DataUseView.vue') },
  { path: 'my-applications', name: 'my-applications', title: 'ap.menu.myApplications', roles: ['enterprise'], icon: Tickets, group: 'ap.menu.enterpriseGroup', order: 12, view: () => import('./views/enterprise/MyApplicationsView.vue') },
  // 一窗受理
  { path: 'enterprises', name: 'enterprises', title: 'clerk.title', roles: ['clerk'], icon: OfficeBuilding, order: 10, view: () => import('./views/clerk/EnterpriseRegisterView.vue') },
  // 审批
  { path: 'worklist', name: 'worklist', title: 'ap.menu.worklist', roles: ['approver'], icon: Stamp, group: 'ap.menu.approvalGroup', order: 10, view: () => import('./views/approval/WorklistView.vue') },
  { path: 'applications/:id', name: 'application', title: 'ap.application', roles: ['approver', 'inspector', 'enforcer', 'auditor', 'clerk'], menu: false, parent: 'worklist', view: () => import('./views/approval/ApplicationView.vue') },
  { path: 'stats', name: 'stats', title: 'stats.title', roles: STATS, icon: Histogram, group: 'ap.menu.approvalGroup', order: 12, view: () => import('./views/approval/StatsView.vue') },
  // 监管 · 执法
  { path: 'inspections', name: 'inspections', title: 'sv.menu.inspections', roles: ['inspector', 'auditor'], icon: Checked, group: 'sv.menu.group', order: 20, view: () => import('./views/supervision/InspectionsView.vue') },
  { path: 'inspections/:id', name: 'inspection', title: 'sv.menu.inspections', roles: ['inspector', 'enforcer', 'auditor', 'approver'], menu: false, view: () => import('./views/supervision/InspectionView.vue') },
  { path: 'cases', name: 'cases', title: 'sv.menu.cases', roles: ['enforcer', 'inspector', 'auditor'], icon: Briefcase, group: 'sv.menu.group', order: 21, view: () => import('./views/supervision/CasesView.vue') },
  { path: 'cases/:id', name: 'case', title: 'sv.menu.cases', roles: ['enforcer', 'inspector', 'auditor'], menu: false, view: () => import('./views/supervision/CaseView.vue') },
  { path: 'loop', name: 'loop', title: 'sv.menu.loop', roles: ['approver', 'inspector', 'enforcer', 'auditor'], icon: Share, group: 'sv.menu.group', order: 22, view: () => import('./views/supervision/LoopView.vue') },
  // 审计
  { path: 'trace', name: 'trace', title: 'au.menu.trace', roles: ['auditor'], icon: Search, group: 'au.menu.group', order: 30, view: () => import('./views/audit/TraceView.vue') },
  { path: 'ops/:id', name: 'operation', title: 'au.operation', roles: ['auditor'], menu: false, parent: 'trace', view: () => import('./views/audit/OperationView.vue') },
  { path: 'agreement', name: 'agreement', title: 'au.menu.agreement', roles: ['auditor', 'admin'], icon: DataLine, group: 'au.menu.group', order: 31, view: () => import('./views/audit/AgreementView.vue') },
  { path: 'tamper', name: 'tamper', title: 'au.menu.tamper', roles: ['auditor'], icon: Lock, group: 'au.menu.group', order: 32, view: () => import('./views/audit/TamperView.vue') },
  // 联盟管理
  { path: 'members', name: 'members', title: 'adm.menu.members', roles: ['admin', 'auditor'], icon: Postcard, group: 'adm.menu.group', order: 40, view: () => import('./views/admin/MembersView.vue') },
  { path: 'governance', name: 'governance', title: 'adm.menu.governance', roles: ['admin'], icon: Operation, group: 'adm.menu.group', order: 41, view: () => import('./views/admin/GovernanceView.vue') },
  { path: 'users', name: 'users', title: 'adm.menu.users', roles: ['admin'], icon: UserFilled, group: 'adm.menu.group', order: 42, view: () => import('./views/admin/UsersView.vue') },
  { path: 'clients', name: 'clients', title: 'cl.menu', roles: ['admin'], icon: Connection, group: 'adm.menu.group', order: 44, view: () => import('./views/admin/ClientsView.vue') },
  { path: 'health', name: 'health', title: 'adm.menu.health', roles: ['admin'], icon: Monitor, group: 'adm.menu.group', order: 43, view: () => import('./views/admin/HealthView.vue') },
];

