import { isApiError, type ApiError } from './api/client.ts';
import { i18n } from './i18n/index.ts';

const CJK = /[\u3400-\u9fff]/;

/** The HTTP status's kind of refusal, for a code that has no words of its own in this language. */
function byStatus(status: number): string {
  if (status === 0) return 'network';
  if (status >= 500) return 'server';
  return [400, 401, 403, 404, 409, 413, 429].includes(status) ? String(status) : 'other';
}

/**
 * A refusal in the reader's language. The code's own words when the portal has them; else the
 * server's message when it is in this language (or its half of a "中文 / English" pair); else the
 * kind of refusal its status says. The server's words are kept in `serverText` for the tooltip.
 */
export function localMessage(e: ApiError): string {
  const { t, te, locale } = i18n.global;
  for (const key of [`error.codes.${e.code}`, `errorCode.${e.code}`]) if (te(key)) return t(key);
  const zh = locale.value === 'zh-CN';
  const halves = e.message.split(' / ');
  if (halves.length === 2 && CJK.test(halves[0]) !== CJK.test(halves[1])) return halves.find((h) => CJK.test(h) === zh)!;
  if (CJK.test(e.message) === zh) return e.message;
  return t(`errorKind.${byStatus(e.status)}`);
}

/**
 * What to tell a person when something failed, in their language, with the code so a support
 * desk can look it up.
 */
export function errorMessage(e: unknown): string {
  if (isApiError(e)) return `${localMessage(e)} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The line under the message: the code and the HTTP status. */
export function errorDetail(e: unknown): string | undefined {
  if (!isApiError(e)) return undefined;
  return i18n.global.t('error.code', { code: e.code, status: e.status });
}
