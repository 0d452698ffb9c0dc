import { ChatLineSquare, Coin, MessageBox } from '@element-plus/icons-vue';
import type { Role } from './api/auth/types.ts';
import type { PageEntry } from './menus.ts';

/**
 * 智能隐私问询: the data holder's pages (数据持有, 收到的查询) and the asker's (隐私查询), for the
 * staff the server lets ask (server/privacy-query/http/routes.ts, ASKERS; the holder answers).
 * Spread into `pages`.
 */
const ASKERS: readonly Role[] = ['approver', 'inspector', 'enforcer', 'policy', 'finance', 'auditor', 'clerk'];
const GROUP = 'pq.menu.group';

export const privacyPages: PageEntry[] = [
  { path: 'privacy-figures', name: 'privacy-figures', title: 'pq.menu.figures', roles: ['holder'], icon: Coin, group: GROUP, order: 70, view: () => import('./views/privacy/HolderFiguresView.vue') },
  { path: 'privacy-questions', name: 'privacy-questions', title: 'pq.menu.addressed', roles: ['holder'], icon: MessageBox, group: GROUP, order: 71, view: () => import('./views/privacy/HolderQuestionsView.vue') },
  { path: 'privacy-ask', name: 'privacy-ask', title: 'pq.menu.ask', roles: ASKERS, icon: ChatLineSquare, group: GROUP, order: 72, view: () => import('./views/privacy/AskView.vue') },
];
