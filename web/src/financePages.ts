import { DocumentChecked, Key, List, PieChart, Wallet } from '@element-plus/icons-vue';
import type { PageEntry } from './menus.ts';

/**
 * The policy payout pages of the expert and the finance officer (评审, 资金拨付). Spread into `pages`.
 * The expert works on the policy department's node (where the materials are); the finance
 * officer on the finance department's; auditors may read the runs and the budgets.
 */
export const financePages: PageEntry[] = [
  // 评审
  { path: 'expert-key', name: 'expert-key', title: 'exp.menu.key', roles: ['expert'], icon: Key, group: 'exp.menu.group', order: 60, view: () => import('./views/expert/ExpertKeyView.vue') },
  { path: 'assigned', name: 'expert-assigned', title: 'exp.menu.assigned', roles: ['expert'], icon: DocumentChecked, group: 'exp.menu.group', order: 61, view: () => import('./views/expert/AssignedView.vue') },
  { path: 'assigned/:id', name: 'expert-review', title: 'exp.review.title', roles: ['expert'], menu: false, parent: 'assigned', view: () => import('./views/expert/ReviewView.vue') },
  // 资金拨付
  { path: 'payable', name: 'fin-payable', title: 'fin.menu.payable', roles: ['finance'], icon: Wallet, group: 'fin.menu.group', order: 62, view: () => import('./views/finance/PayableView.vue') },
  { path: 'payment-runs', name: 'fin-runs', title: 'fin.menu.runs', roles: ['finance', 'auditor'], icon: List, group: 'fin.menu.group', order: 63, view: () => import('./views/finance/RunsView.vue') },
  { path: 'payment-runs/:id', name: 'fin-run', title: 'fin.run.title', roles: ['finance', 'auditor'], menu: false, parent: 'payment-runs', view: () => import('./views/finance/RunView.vue') },
  { path: 'budgets', name: 'fin-budget', title: 'fin.menu.budget', roles: ['finance', 'auditor'], icon: PieChart, group: 'fin.menu.group', order: 64, view: () => import('./views/finance/BudgetView.vue') },
];
