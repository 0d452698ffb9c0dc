import { ElMessage } from 'element-plus';
import { createRouter, createWebHistory, type RouteRecordRaw, type Router } from 'vue-router';
import type { Role } from './api/auth/types.ts';
import { client } from './api/client.ts';
import { errorMessage } from './errors.ts';
import { i18n } from './i18n/index.ts';
import { canOpen, pages } from './menus.ts';
import { useSession } from './stores/session.ts';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    roles?: readonly Role[];
    public?: boolean;
  }
}

/** A department portal: the router's base is `/<dept>/`, so every path below is relative to it. */
export function createPortalRouter(dept: string): Router {
  const routes: RouteRecordRaw[] = [
    { path: '/login', name: 'login', meta: { public: true, title: 'login.title' }, component: () => import('./views/login/LoginView.vue') },
    // 企业注册: for an enterprise that has no account yet (it makes its key here, then goes to the window)
    { path: '/onboard', name: 'onboard', meta: { public: true, title: 'ap.onboard.title' }, component: () => import('./views/enterprise/OnboardView.vue') },
    {
      path: '/',
      component: () => import('./layouts/PortalLayout.vue'),
      children: [
        ...pages.map((p) => ({ path: p.path, name: p.name, meta: { title: p.title, roles: p.roles }, component: p.view })),
        { path: ':rest(.*)*', name: 'not-found', meta: { title: 'error.notFound' }, component: () => import('./views/NotFoundView.vue') },
      ],
    },
  ];
  const router = createRouter({ history: createWebHistory(`/${dept}/`), routes });

  router.beforeEach(async (to) => {
    const session = useSession();
    try {
      await session.restore();
    } catch (e) {
      // The server can't say who we are (down, or restarting): say so, and offer the login form.
      ElMessage.error(errorMessage(e));
      return to.meta.public ? true : { name: 'login' };
    }
    if (to.meta.public) return session.user && to.name === 'login' ? { name: 'home' } : true;
    if (!session.user) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
    // signed in with a one-time password: the server refuses everything else until it is changed
    if (session.user.mustChangePassword && to.name !== 'account-password') return { name: 'account-password' };
    if (to.meta.roles && !canOpen({ roles: to.meta.roles }, session.user.role)) {
      ElMessage.warning(i18n.global.t('error.forbidden'));
      return { name: 'home' };
    }
    return true;
  });

  router.afterEach((to) => {
    const session = useSession();
    const d = session.department;
    const deptName = d ? (i18n.global.locale.value === 'en' ? d.nameEn : d.name) : dept;
    document.title = [to.meta.title ? i18n.global.t(to.meta.title) : '', deptName, i18n.global.t('app.name')].filter(Boolean).join(' · ');
  });

  // The server ended the session (expired, or the user was disabled): back to the login page.
  client.onUnauthorized(() => {
    useSession().forget();
    const here = router.currentRoute.value;
    if (!here.meta.public) void router.push({ name: 'login', query: { redirect: here.fullPath } });
  });
  return router;
}

/** The root of the site (or an unknown department): only the department chooser. */
export function createChooserRouter(): Router {
  return createRouter({
    history: createWebHistory('/'),
    routes: [{ path: '/:rest(.*)*', name: 'chooser', component: () => import('./views/ChooserView.vue') }],
  });
}
