/** A finding as the inspector types it (FindingsEditor). */
export interface FindingDraft {
  severity: 'minor' | 'major' | 'severe';
  category: string;
  description: string;
  legalBasis: string;
  enforce: boolean;
}

/** Drafts as the server takes them: empty optional fields left out; a finding needs a category and a description. */
export function findingsPayload(drafts: FindingDraft[]): { ok: true; findings: Record<string, unknown>[] } | { ok: false } {
  if (drafts.some((f) => !f.category.trim() || !f.description.trim())) return { ok: false };
  return {
    ok: true,
    findings: drafts.map((f) => ({
      severity: f.severity,
      category: f.category.trim(),
      description: f.description.trim(),
      ...(f.legalBasis.trim() ? { legalBasis: f.legalBasis.trim() } : {}),
      ...(f.enforce ? { enforce: true } : {}),
    })),
  };
}

/** The cases a recorded inspection opened, from its receipt's event. */
export const casesOpened = (events: { type: string; data: Record<string, unknown> }[] | undefined): string[] =>
  (events ?? []).flatMap((e) => (e.type === 'inspection.recorded' ? ((e.data.cases as string[] | undefined) ?? []) : []));
