import { z } from 'zod';

/**
 * Who may read a field, stated on the field itself in its zod schema:
 * - public: anyone who holds the ledger (every department, auditors, the public pages);
 * - party: the parties to the matter (the enterprise, the departments it dealt with);
 * - personal: data about a natural person (phones, e-mails, names of representatives): only the
 *   departments with a basis and the enterprise itself;
 * - secret: never on the shared ledger at all (raw figures and their salts, passwords, private
 *   keys); a schema that carries one is not a ledger payload.
 * Party and personal values travel on the ledger sealed (server/chain/sealing/), so a node that
 * is not a recipient executes and stores the envelope, never the plaintext.
 */
export const Classification = z.enum(['public', 'party', 'personal', 'secret']);
export type Classification = z.infer<typeof Classification>;

/** Classifications by schema instance. Its own registry, so classifying never changes OpenAPI output. */
export const classifications = z.registry<{ classification: Classification; reason?: string }>();

/**
 * Classifies a schema: a copy of it is registered, so classifying a shared type (Hash, Text)
 * at one use never reclassifies its other uses. A classification covers everything inside the
 * schema unless something inside states its own. `reason` says why a value that belongs to the
 * parties is nevertheless public (a contract computes on it), so the choice is data, not a guess.
 */
export function cls<S extends z.ZodType>(schema: S, classification: Classification, reason?: string): S {
  const copy = schema.clone() as S;
  classifications.add(copy, reason ? { classification, reason } : { classification });
  return copy;
}

/** A party's value kept in plaintext because contract code computes on it: public, with the reason stated. */
export const publicBecause = <S extends z.ZodType>(schema: S, reason: string): S => cls(schema, 'public', reason);

/** The reason a field was classified as it is, where one was stated. */
export const reasonOf = (schema: z.ZodType): string | undefined => classifications.get(schema)?.reason;

/** Classifies each field of an object shape alike: for shapes whose fields are all of one class. */
export function clsAll<T extends Record<string, z.ZodType>>(shape: T, classification: Classification): T {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, classifications.has(s) ? s : cls(s, classification)])) as T;
}

/** Sealed envelopes (server/chain/sealing/envelope.ts `sealedOf`) and the schema of what is inside. */
export const sealedContents = new WeakMap<z.ZodType, z.ZodType>();

export const classOf = (schema: z.ZodType): Classification | undefined => classifications.get(schema)?.classification;

// ------------------------------------------------------------------ who may read each class

/** The reader of a value: a department's staff or node, an enterprise for itself, or the public. */
export type Reader =
  | { kind: 'dept'; dept: string; role?: string }
  | { kind: 'enterprise'; code: string }
  | { kind: 'public' };

/** What the reader is asked about: whose value, and which departments have a basis for it. */
export interface Subject {
  /** the enterprise the value belongs to */
  code?: string;
  /** departments that are parties to the matter (received the filing, own the stage, pay the award) */
  parties: readonly string[];
}

/**
 * Whether a reader may see a value of a class. Auditors are no exception: an audit of sealed
 * values goes through a share to the audit department naming the audit as its basis, so it is on
 * the ledger like any other disclosure.
 */
export function mayRead(c: Classification, reader: Reader, subject: Subject): boolean {
  if (c === 'secret') return false;
  if (c === 'public') return true;
  if (reader.kind === 'public') return false;
  if (reader.kind === 'enterprise') return subject.code !== undefined && reader.code === subject.code;
  return subject.parties.includes(reader.dept);
}

/** Classes that may be on the ledger in plaintext. */
export const isPlainOnLedger = (c: Classification): boolean => c === 'public';
/** Classes that go on the ledger only sealed. */
export const isSealedOnLedger = (c: Classification): boolean => c === 'party' || c === 'personal';

// ------------------------------------------------------------------ walking schemas

export interface FieldClass {
  path: string;
  classification?: Classification;
  /** why, where the schema states it (publicBecause) */
  reason?: string;
  /** inside a sealed envelope: on the ledger only as ciphertext */
  sealed?: boolean;
}

/**
 * Every leaf of a schema with the classification that covers it (its own or the nearest
 * enclosing one's; undefined where none does). Wrappers (optional, default, pipe, lazy) are seen
 * through; a union's options, an array's element and a record's values are walked as the same
 * path with `[]` or `{}` appended.
 */
export function leafClasses(schema: z.ZodType, path = '', inherited?: Classification, seen = new Set<z.ZodType>(), inheritedReason?: string): FieldClass[] {
  const own = classOf(schema) ?? inherited;
  const reason = classOf(schema) ? reasonOf(schema) : inheritedReason;
  if (seen.has(schema)) return [];
  const inner = sealedContents.get(schema);
  if (inner) return [{ path, classification: own }, ...leafClasses(inner, `${path}<sealed>`).map((f) => ({ ...f, sealed: true }))];
  const def = (schema as any)._zod.def;
  const next = (s: z.ZodType, p: string) => leafClasses(s, p, own, new Set([...seen, schema]), reason);
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.ZodType>).flatMap(([k, s]) => next(s, path ? `${path}.${k}` : k));
    case 'array':
      return next(def.element, `${path}[]`);
    case 'record':
      return next(def.valueType, `${path}{}`);
    case 'union':
      return (def.options as z.ZodType[]).flatMap((o) => next(o, path));
    case 'intersection':
      return [...next(def.left, path), ...next(def.right, path)];
    case 'tuple':
      return (def.items as z.ZodType[]).flatMap((s, i) => next(s, `${path}[${i}]`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'nonoptional':
    case 'readonly':
      return next(def.innerType, path);
    case 'pipe':
      return next(def.in, path);
    case 'lazy':
      return next(def.getter(), path);
    default:
      return [reason ? { path, classification: own, reason } : { path, classification: own }];
  }
}

/** Leaves that must not be in plaintext on the ledger but are: party or personal outside an envelope. */
export const unsealedPrivateLeaves = (schema: z.ZodType): string[] =>
  leafClasses(schema).filter((f) => f.classification && isSealedOnLedger(f.classification) && !f.sealed).map((f) => f.path);

export const unclassifiedLeaves = (schema: z.ZodType): string[] =>
  leafClasses(schema).filter((f) => f.classification === undefined).map((f) => f.path || '(root)');

// ------------------------------------------------------------------ state records

/**
 * The classes of one kind of state record, found by the prefix of its key. `fields` maps a
 * path inside the record to its class, and the longest listed path that leads to a leaf covers
 * it. Segments are field names, `[]` for any element of an array and `*` for any key of a map;
 * `.` alone is the record itself (for records that are bare lists or values). A sealed envelope
 * is a leaf of its own: on the ledger it is ciphertext, public like the payload field it came
 * from.
 */
export interface StateRecordClasses {
  prefix: string;
  fields: Readonly<Record<string, Classification>>;
}

/** Each named field public: most of a state record is ids, statuses, heights and times. */
export const publicFields = (...names: string[]): Record<string, Classification> => Object.fromEntries(names.map((n) => [n, 'public' as const]));

const segmentsOf = (path: string): string[] => (path === '.' ? [] : path.replace(/\[\]/g, '.[]').split('.').filter(Boolean));

/** The kind of a state key: the longest prefix that matches. */
export function stateKindOf(kinds: readonly StateRecordClasses[], key: string): StateRecordClasses | undefined {
  let best: StateRecordClasses | undefined;
  for (const k of kinds) if (key.startsWith(k.prefix) && (!best || k.prefix.length > best.prefix.length)) best = k;
  return best;
}

const isEnvelope = (v: unknown): boolean => typeof v === 'object' && v !== null && (v as { sealed?: unknown }).sealed === 1 && typeof (v as { jwe?: unknown }).jwe === 'object';

/** Every leaf of a JSON value as path segments, array indices as `[]` (an empty array or object is a leaf too). */
export function jsonLeaves(v: unknown, path: string[] = []): { segs: string[]; envelope: boolean }[] {
  if (isEnvelope(v)) return [{ segs: path, envelope: true }];
  if (Array.isArray(v)) return v.length ? v.flatMap((x) => jsonLeaves(x, [...path, '[]'])) : [{ segs: path, envelope: false }];
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v);
    return entries.length ? entries.flatMap(([k, x]) => jsonLeaves(x, [...path, k])) : [{ segs: path, envelope: false }];
  }
  return [{ segs: path, envelope: false }];
}

const matches = (pattern: string[], segs: string[]): boolean => pattern.every((p, i) => p === segs[i] || (p === '*' && segs[i] !== '[]'));

/** The class of a leaf at `segs` in a record of `kind`: the longest listed path leading to it. */
export function stateClassOf(kind: StateRecordClasses, segs: string[]): Classification | undefined {
  let best: { len: number; c: Classification } | undefined;
  for (const [path, c] of Object.entries(kind.fields)) {
    const p = segmentsOf(path);
    if (p.length <= segs.length && matches(p, segs) && (!best || p.length > best.len)) best = { len: p.length, c };
  }
  return best?.c;
}

/** What no class covers in a state value: `(no kind)` for a key no kind matches, else the leaf paths. */
export function unclassifiedStateLeaves(kinds: readonly StateRecordClasses[], key: string, value: unknown): string[] {
  const kind = stateKindOf(kinds, key);
  if (!kind) return ['(no kind)'];
  const out = new Set<string>();
  for (const l of jsonLeaves(value)) if (!l.envelope && stateClassOf(kind, l.segs) === undefined) out.add(l.segs.join('.') || '.');
  return [...out];
}

/**
 * A state value as a reader without a basis for its private fields sees it: every party,
 * personal or secret leaf replaced by `{withheld: <class>}`; public leaves and sealed envelopes
 * as they are. A value of a key no kind covers is withheld whole: what is not classified is not
 * shown.
 */
export function withholdPrivate(kinds: readonly StateRecordClasses[], key: string, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const kind = stateKindOf(kinds, key);
  if (!kind) return { withheld: 'unclassified' };
  const walk = (v: unknown, segs: string[]): unknown => {
    if (isEnvelope(v)) return v;
    const own = stateClassOf(kind, segs);
    if (Array.isArray(v)) return v.map((x) => walk(x, [...segs, '[]']));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...segs, k])]));
    return own === 'public' ? v : { withheld: own ?? 'unclassified' };
  };
  return walk(value, []);
}
