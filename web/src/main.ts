import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { currentDept } from './dept.ts';
import { i18n } from './i18n/index.ts';
import { installElement } from './plugins/element.ts';
import { createChooserRouter, createPortalRouter } from './router.ts';
import { useSession } from './stores/session.ts';
import './styles.css';

/**
 * One build serves every department: the address says which (`/market/`). At the root, or for
 * a department this server does not host, the app is just the department chooser.
 */
async function boot() {
  const app = createApp(App);
  const pinia = createPinia();
  app.use(pinia).use(i18n);
  installElement(app);
  document.documentElement.lang = i18n.global.locale.value;
  const session = useSession();
  // Ask who is signed in while the department list loads; the router's guard awaits the answer.
  if (currentDept) session.restore().catch(() => undefined);
  let known = false;
  try {
    await session.loadDepartments();
    known = session.departments.some((d) => d.dept === currentDept);
  } catch {
    // Can't list departments: still open the portal the address names; its pages report the error.
    known = currentDept !== '';
  }
  app.use(known ? createPortalRouter(currentDept) : createChooserRouter());
  app.mount('#app');
}

void boot();
