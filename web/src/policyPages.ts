import { Bell, Collection, Memo, Present, Wallet } from '@element-plus/icons-vue';
import type { Role } from './api/auth/types.ts';
import type { PageEntry } from './menus.ts';

/**
 * The policy payout pages of the policy officer and the enterprise (政策兑现). Spread into `pages`.
 * Auditors read the officer's pages (the server gives them every department's records); the
 * actions on them are the officer's alone.
 */
const OFFICE: readonly Role[] = ['policy', 'auditor'];
const GROUP = 'pol.menu.group';

export const policyPages: PageEntry[] = [
  // 政策专员
  { path: 'policies', name: 'pol-policies', title: 'pol.menu.policies', roles: OFFICE, icon: Collection, group: GROUP, order: 60, view: () => import('./views/policy/PoliciesView.vue') },
  { path: 'policies/new', name: 'pol-publish', title: 'pol.publish.title', roles: ['policy'], menu: false, parent: 'policies', view: () => import('./views/policy/PolicyPublishView.vue') },
  { path: 'policies/:id', name: 'pol-policy', title: 'pol.menu.policies', roles: OFFICE, menu: false, parent: 'policies', view: () => import('./views/policy/PolicyDetailView.vue') },
  { path: 'policy-applications', name: 'pol-applications', title: 'pol.menu.applications', roles: OFFICE, icon: Memo, group: GROUP, order: 61, view: () => import('./views/policy/PolicyApplicationsView.vue') },
  { path: 'policy-applications/:id', name: 'pol-application', title: 'pol.menu.applications', roles: OFFICE, menu: false, parent: 'policy-applications', view: () => import('./views/policy/PolicyApplicationView.vue') },
  { path: 'publicity', name: 'pol-publicity', title: 'pol.menu.publicity', roles: OFFICE, icon: Bell, group: GROUP, order: 62, view: () => import('./views/policy/PublicityView.vue') },
  // 企业
  { path: 'policy-eligible', name: 'pol-eligible', title: 'pol.menu.eligible', roles: ['enterprise'], icon: Present, group: GROUP, order: 60, view: () => import('./views/enterprise/policy/EligiblePoliciesView.vue') },
  { path: 'policy-apply/:id', name: 'pol-apply', title: 'pol.apply.title', roles: ['enterprise'], menu: false, parent: 'policy-eligible', view: () => import('./views/enterprise/policy/PolicyApplyView.vue') },
  { path: 'my-policy-applications', name: 'pol-mine', title: 'pol.menu.mine', roles: ['enterprise'], icon: Wallet, group: GROUP, order: 61, view: () => import('./views/enterprise/policy/MyPolicyApplicationsView.vue') },
];
