import { isApiError } from './api/client.ts';
import { i18n } from './i18n/index.ts';

/**
 * What to tell a person when something failed: the server's own message (it says what to fix),
 * with its code so a support desk can look it up.
 */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function errorDetail(e: unknown): string | undefined {
  return isApiError(e) ? i18n.global.t('error.code', { code: e.code, status: e.status }) : undefined;
}
