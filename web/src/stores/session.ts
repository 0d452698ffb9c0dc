import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import * as auth from '../api/auth/index.ts';
import type { Department, SessionUser } from '../api/auth/types.ts';
import { client } from '../api/client.ts';
import { auditPurposes, forgetAuditPurpose } from '../composables/useAuditPurpose.ts';
import { currentDept } from '../dept.ts';

/** Who is signed in, and which departments this server hosts: the state every page shares. */
export const useSession = defineStore('session', () => {
  const user = ref<SessionUser | null>(null);
  const departments = ref<Department[]>([]);
  const checked = ref(false);
  const department = computed(() => departments.value.find((d) => d.dept === currentDept));
  // Only an auditor's reads carry a purpose: everyone else reads what their role gives them.
  watch(user, (u) => client.usePurposes(u?.role === 'auditor' ? auditPurposes : undefined));

  async function loadDepartments() {
    departments.value = await auth.departments();
  }

  // Another tab may sign in again and so change the session's token under this one.
  client.onCsrfRefused(async () => (await auth.me()).csrfToken);

  let restoring: Promise<void> | undefined;
  /** Asks the server once per page load whether the cookie still holds a session. */
  function restore(): Promise<void> {
    if (checked.value) return Promise.resolve();
    restoring ??= auth.session().then(
      (r) => {
        // A tab opened beside a signed-in one shares its cookie but not its memory: take the token here.
        client.setCsrfToken(r.csrfToken);
        user.value = r.user;
        checked.value = true;
      },
      (e) => {
        restoring = undefined; // the server could not answer: let the next navigation ask again
        throw e;
      },
    );
    return restoring;
  }

  function signedIn(r: { user: SessionUser; csrfToken: string }) {
    forgetAuditPurpose();
    client.setCsrfToken(r.csrfToken);
    user.value = r.user;
    checked.value = true;
    return r.user;
  }

  const login = async (id: string, password: string) => signedIn(await auth.login({ user: id, password }));
  const loginEnterprise = async (sign: (message: string) => { publicKey: string; signature: string }) => {
    const c = await auth.challenge();
    return signedIn(await auth.loginEnterprise({ challenge: c.challenge, ...sign(c.message) }));
  };

  async function logout() {
    try {
      await auth.logout();
    } finally {
      // Forget the session locally even if the server could not be told: the user asked to leave.
      forget();
    }
  }

  /** The password was changed: a reset's limit on this session is gone. */
  function passwordChanged() {
    if (user.value?.mustChangePassword) user.value = { ...user.value, mustChangePassword: undefined };
  }

  function forget() {
    forgetAuditPurpose();
    user.value = null;
    client.setCsrfToken(null);
  }

  return { user, departments, department, checked, loadDepartments, restore, login, loginEnterprise, logout, forget, passwordChanged };
});
