import { computed, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import * as privacy from '../../api/privacy/index.ts';
import type { FieldInfo, PrivacyConfig, Predicate } from '../../api/privacy/types.ts';
import { fenToYuan } from '../../money.ts';

export interface Askable {
  field: string;
  period?: string;
  predicate?: Predicate;
  set?: { from: string; to: string };
}

let loading: Promise<PrivacyConfig> | undefined;

/**
 * A question in the reader's words ("2025 年度纳税额 不低于 ¥1,000,000.00"), from the consortium's
 * figures (labels in both languages, units): the server's own description is Chinese only.
 * Loads /privacy/config once per page load (a page and its panels share it); `keysMissing` says whether any answer can be verified yet.
 */
export function useQuestionWords() {
  const { t, locale } = useI18n();
  const cfg = ref<PrivacyConfig>();
  const error = ref<unknown>();
  loading ??= privacy.config().catch((e) => {
    loading = undefined; // asked again by the next page
    throw e;
  });
  const ready = loading.then(
    (c) => (cfg.value = c),
    (e) => (error.value = e),
  );
  const fieldOf = (name: string): FieldInfo | undefined => cfg.value?.fields.find((f) => f.name === name);
  const label = (name: string) => {
    const f = fieldOf(name);
    return f ? (locale.value === 'en' ? f.labelEn : f.label) : name;
  };
  const amount = (f: FieldInfo | undefined, v: string | undefined) => {
    if (v === undefined) return '?';
    if (f?.unit === 'fen') return `¥${fenToYuan(v)}`;
    return f?.unit === 'persons' ? (locale.value === 'en' ? `${v} persons` : `${v}人`) : v;
  };
  function words(q: Askable): string {
    const f = fieldOf(q.field);
    const p = q.predicate?.params ?? {};
    const head = `${q.period ?? ''} ${label(q.field)}`.trim();
    switch (q.predicate?.kind) {
      case 'gte':
      case 'lte':
      case 'eq':
        return `${head} ${t('pq.op.' + q.predicate.kind)} ${amount(f, p.threshold ?? p.target)}`;
      case 'range':
        return `${head} ${t('pq.op.range')} ${t('pq.op.between', { a: amount(f, p.lower), b: amount(f, p.upper) })}`;
      case 'dateValid':
        return `${label(q.field)} ${t('pq.op.dateValid', { date: p.date ?? q.period ?? '' })}`;
      case 'inSet':
      case 'notInSet':
        return t('pq.op.' + q.predicate.kind, { label: label(q.field), from: q.set?.from ?? '?', to: q.set?.to ?? q.period ?? '?' });
      default:
        return head;
    }
  }
  const keysMissing = computed(() => cfg.value?.keys.source === 'none');
  return { cfg, error, ready, words, label, fieldOf, keysMissing };
}
