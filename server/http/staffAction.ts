import type { Context } from 'koa';
import { z } from 'zod';
import type { ContractDef } from '../chain/contract.ts';
import type { Role } from '../chain/schema.ts';
import type { TxRow } from '../chain/store/chainStore.ts';
import type { SessionUser } from '../../shared/sessionUser.ts';
import { TxAnswer } from '../../shared/wire/responses.ts';
import { parseWith, type RouteKit } from './routeKit.ts';

/** What a staff action needs of its node: signing as one of its staff and the checked submit. */
export interface ActingNode {
  signAs(actor: string | undefined, kind: string, payload: Record<string, unknown>): unknown;
  submitChecked(raw: unknown): Promise<TxRow>;
}

/** Roles a person signs in with; the others a contract may allow (the node itself, an enterprise's own key) never act through a staff route. */
const NOT_STAFF = new Set<Role>(['node', 'enterprise']);

export const staffRolesOf = (def: ContractDef): Role[] => def.roles.filter((r) => !NOT_STAFF.has(r));

export interface ActionSpec<B extends z.ZodType, R> {
  path: string;
  summary: string;
  /**
   * The body schema. Absent: the contract's payload without the fields the path fills. Given
   * when the person writes something else than the payload (plain text the node seals, say).
   */
  body?: B;
  /** path parameters that fill payload fields, parameter name to field (`{ id: 'app' }`) */
  from?: Record<string, string>;
  /**
   * The payload from the parsed body (with the path's fields in) when it is more than that: text
   * sealed before signing, a field parsed from the path. It must return what the contract takes.
   */
  payload?: (input: z.infer<B> & Record<string, unknown>, ctx: Context, user: SessionUser) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** what to answer with, from the receipt and the body with the path's fields; `{tx}` when absent */
  respond?: (row: TxRow, input: z.infer<B> & Record<string, unknown>, ctx: Context) => R;
  response?: z.ZodType;
  status?: number;
  /** how a path parameter is checked before it goes in the payload (its error names the field) */
  params?: Record<string, z.ZodType>;
}

/**
 * Registers a staff action from its contract: the roles and body schema come from the
 * ContractDef, the route is documented with them, and the handler signs as the signed-in person
 * (the node signs, the person is the actor) and submits through the checked door, which runs the
 * contract's own check against state before ordering and waits for the receipt.
 */
export function staffAction<P, B extends z.ZodType = z.ZodType<P>, R = unknown>(kit: RouteKit, node: ActingNode, def: ContractDef<P>, spec: ActionSpec<B, R>): void {
  const from = spec.from ?? {};
  const body = (spec.body ?? bodyOf(def, Object.values(from))) as B;
  kit.post(spec.path, { summary: spec.summary, roles: staffRolesOf(def), body, params: spec.params, response: spec.response ?? (spec.respond ? undefined : TxAnswer), status: spec.status }, async (ctx, { params, user, body: parsed }) => {
    const fromPath: Record<string, unknown> = {};
    for (const [param, field] of Object.entries(from)) {
      const raw = (params as Record<string, string>)[param];
      fromPath[field] = spec.params?.[param] ? parseWith(spec.params[param], raw, field) : raw;
    }
    const input = { ...(parsed as object), ...fromPath } as z.infer<B> & Record<string, unknown>;
    const payload = spec.payload ? await spec.payload(input, ctx, user) : input;
    const row = await node.submitChecked(node.signAs(user.id, def.kind, payload));
    return spec.respond ? spec.respond(row, input, ctx) : { tx: row.id };
  });
}

/** The contract's payload schema less the fields the path fills. */
function bodyOf(def: ContractDef, pathFields: string[]): z.ZodType {
  const schema = def.payload as z.ZodType;
  if (!pathFields.length) return schema;
  if (!(schema instanceof z.ZodObject)) throw new Error(`${def.kind}: only an object payload can take fields from the path`);
  return schema.omit(Object.fromEntries(pathFields.map((f) => [f, true])) as Record<string, true>);
}
