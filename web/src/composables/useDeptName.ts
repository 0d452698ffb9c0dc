import { useI18n } from 'vue-i18n';
import { useLive } from '../stores/live.ts';
import { useSession } from '../stores/session.ts';

/** A department's name in the page's language, from the consortium's members (else its id). */
export function useDeptName() {
  const live = useLive();
  const session = useSession();
  const { locale } = useI18n();
  return (dept: string | null | undefined): string => {
    if (!dept) return '—';
    const m = live.status?.members.find((x) => x.dept === dept) ?? session.departments.find((x) => x.dept === dept);
    return m ? (locale.value === 'en' ? m.nameEn : m.name) : dept;
  };
}
