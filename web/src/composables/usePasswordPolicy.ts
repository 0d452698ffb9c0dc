import { onMounted, ref } from 'vue';
import { passwordPolicy } from '../api/auth/index.ts';
import type { PasswordPolicy } from '../api/auth/types.ts';
import { PASSWORD_POLICY } from '../passwordPolicy.ts';

/**
 * The node's password policy as it answers it (the same rule this portal was built with, unless
 * the node is newer), for forms that pre-check a new password.
 */
export function usePasswordPolicy() {
  const policy = ref<PasswordPolicy>(PASSWORD_POLICY);
  onMounted(async () => {
    try {
      policy.value = await passwordPolicy();
    } catch {
      // the built-in copy is the same rule; the node refuses a weak password anyway
    }
  });
  return policy;
}
