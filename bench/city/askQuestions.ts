/** A signed-in portal session: its cookie and the CSRF token its writes carry. */
export interface Session {
  cookie: string;
  csrf: string;
}

export async function login(base: string, dept: string, user: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/${dept}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
  if (!res.ok) throw new Error(`login ${dept}/${user}: ${res.status}`);
  const body = (await res.json()) as { csrfToken: string };
  return { cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; '), csrf: body.csrfToken };
}

interface Allowed {
  items: { basis: unknown; field: string; period?: string; predicate: unknown }[];
}

/**
 * Yes/no questions of `field`, asked by `dept` through the portal's routes, each about an
 * enterprise on the basis of its open approval application: the question that basis allows (GET
 * /privacy/allowed, as the asking form loads it, untimed), then timed from POST /privacy/queries
 * until GET /privacy/queries/:id reads it answered, verified by proof and final on the asking
 * node. Returns the times in ms.
 */
export async function timeQuestions(base: string, dept: string, s: Session, asks: { code: string; app: string }[], o: { field: string; purpose: string }): Promise<number[]> {
  const api = `${base}/${dept}/api/privacy`;
  const get = async <T>(url: string): Promise<T> => {
    const r = await fetch(url, { headers: { cookie: s.cookie } });
    if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  const times: number[] = [];
  for (const { code: enterprise, app } of asks) {
    const allowed = await get<Allowed>(`${api}/allowed?enterprise=${enterprise}&basis=approval&app=${app}`);
    const q = allowed.items.find((a) => a.field === o.field);
    if (!q?.period) throw new Error(`application ${app} does not let ${dept} ask about ${o.field} of ${enterprise}`);
    const t = performance.now();
    const res = await fetch(`${api}/queries`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ enterprise, field: q.field, period: q.period, predicate: q.predicate, purpose: o.purpose, basis: q.basis }),
    });
    if (res.status !== 201) throw new Error(`ask about ${enterprise}: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    for (;;) {
      const v = await get<{ status: string; declineReason?: string; verification: { verified: boolean; final: boolean } }>(`${api}/queries/${id}`);
      if (v.status === 'answered' && v.verification.final) {
        if (!v.verification.verified) throw new Error(`query ${id} answered but not verified`);
        break;
      }
      if (v.status !== 'open' && v.status !== 'answered') throw new Error(`query ${id} ${v.status} ${v.declineReason ?? ''}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - t);
  }
  return times;
}
