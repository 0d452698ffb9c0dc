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
  if (!isApiError(e)) return undefined;
  const code = i18n.global.t('error.code', { code: e.code, status: e.status });
  const key = `error.codes.${e.code}`;
  return i18n.global.te(key) ? `${i18n.global.t(key)} · ${code}` : code;
}
