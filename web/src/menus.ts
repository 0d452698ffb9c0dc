import { Box, Connection, House, Key, Upload } from '@element-plus/icons-vue';
import type { Component } from 'vue';
import type { Role } from './api/auth/types.ts';
import { financePages } from './financePages.ts';
import { policyPages } from './policyPages.ts';
import { privacyPages } from './privacyPages.ts';
import { workPages } from './workPages.ts';

/**
 * Every page of a department portal, with who may open it. The router and the side menu are
 * both built from this list, so a page can't be in the menu for a role the route refuses.
 * A module adds its pages by appending entries here (see README.md in this folder).
 */
export interface PageEntry {
  /** under `/<dept>/`, e.g. 'approvals/:id' */
  path: string;
  name: string;
  /** i18n key of the page title and menu label */
  title: string;
  /** who may open the page; the server checks again, this only keeps the menu honest */
  roles: readonly Role[];
  view: () => Promise<{ default: Component }>;
  icon?: Component;
  /** false for pages reached by links (a block's detail), not from the menu */
  menu?: boolean;
  /** who sees the page in the menu, when fewer than may open it (the chain's pages: those who run or audit it) */
  menuRoles?: readonly Role[];
  /** i18n key of a sub-menu to group the entry under */
  group?: string;
  /** menu order; lower first */
  order?: number;
  /** for a page reached by links: the menu entry (its path) to light up while it is open */
  parent?: string;
}

export const STAFF: readonly Role[] = ['admin', 'approver', 'inspector', 'enforcer', 'policy', 'expert', 'finance', 'auditor', 'clerk', 'holder'];
export const EVERYONE: readonly Role[] = [...STAFF, 'enterprise'];
/** Those who run or audit the chain: the blocks and the node status are their work, not everyone's. */
export const CHAIN_ROLES: readonly Role[] = ['admin', 'auditor'];

export const pages: PageEntry[] = [
  { path: '', name: 'home', title: 'menu.home', roles: EVERYONE, icon: House, order: 0, view: () => import('./views/DashboardView.vue') },
  { path: 'blocks', name: 'blocks', title: 'menu.explorer', roles: STAFF, menuRoles: CHAIN_ROLES, icon: Box, order: 90, view: () => import('./views/explorer/BlockListView.vue') },
  { path: 'blocks/:ref', name: 'block', title: 'menu.explorer', roles: STAFF, menu: false, view: () => import('./views/explorer/BlockDetailView.vue') },
  { path: 'tx/:id', name: 'tx', title: 'tx.title', roles: STAFF, menu: false, view: () => import('./views/explorer/TxDetailView.vue') },
  { path: 'status', name: 'status', title: 'menu.status', roles: EVERYONE, menuRoles: CHAIN_ROLES, icon: Connection, order: 91, view: () => import('./views/StatusView.vue') },
  { path: 'account/password', name: 'account-password', title: 'account.menu', roles: STAFF, menu: false, view: () => import('./views/account/ChangePasswordView.vue') },
  { path: 'key', name: 'key', title: 'menu.keys', roles: ['enterprise'], icon: Key, order: 80, view: () => import('./views/KeyView.vue') },
  { path: 'imports', name: 'imports', title: 'im.title', roles: ['admin', 'clerk'], icon: Upload, order: 60, view: () => import('./views/imports/ImportView.vue') },
  ...workPages,
  ...policyPages,
  ...financePages,
  ...privacyPages,
  // Modules append here, e.g.
  // { path: 'approvals', name: 'approvals', title: 'menu.approvals', roles: ['approver'], group: 'menu.approval', view: () => import('./views/approval/ApprovalListView.vue') },
];

export const canOpen = (p: Pick<PageEntry, 'roles'>, role: Role | undefined) => !!role && p.roles.includes(role);

export interface MenuItem {
  entry?: PageEntry;
  group?: { title: string; children: PageEntry[] };
}

/** The side menu for a role: its pages in order, grouped where a page names a group. */
export function menuFor(role: Role | undefined): MenuItem[] {
  const mine = pages.filter((p) => p.menu !== false && canOpen(p, role) && (!p.menuRoles || canOpen({ roles: p.menuRoles }, role))).sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
  const out: MenuItem[] = [];
  for (const p of mine) {
    if (!p.group) out.push({ entry: p });
    else {
      const g = out.find((x) => x.group?.title === p.group);
      if (g) g.group!.children.push(p);
      else out.push({ group: { title: p.group, children: [p] } });
    }
  }
  return out;
}
