/** GET /privacy/allowed: one question a basis lets my department ask, with the parameters it fixes. */
export interface AllowedQuestion {
  basis: { type: 'consent' } | { type: 'statute'; rule: string } | { type: 'approval'; app: string };
  field: string;
  label: string;
  labelEn: string;
  /** fixed by the basis (an approval check's period); absent: any period of the figure */
  period?: string;
  predicate: { kind: string; params: Record<string, string> };
  set?: { from: string; to: string };
  note?: string;
}

export interface AllowedQuery {
  enterprise: string;
  basis: 'consent' | 'statute' | 'approval';
  rule?: string;
  app?: string;
  period?: string;
}

export interface AskBody {
  enterprise: string;
  field: string;
  period: string;
  predicate: { kind: string; params: Record<string, string> };
  set?: { from: string; to: string };
  purpose: string;
  basis: AllowedQuestion['basis'];
  origin?: { module: string; ref: string };
}

export interface AskResult {
  id: string;
  tx: string;
  height: number;
}
