import { z } from 'zod';

/**
 * Keyset paging: a list hands out `next`, the sort key of the last row it showed, and takes it
 * back as `?after=`; the next page starts right after that row by an index range, so a deep
 * page costs what the first one does and rows that arrive meanwhile neither shift nor repeat
 * the pages. The key travels as base64url JSON, opaque to the client.
 */
export const encodeCursor = (key: readonly (string | number)[]): string => Buffer.from(JSON.stringify(key)).toString('base64url');

const decode = (text: string): unknown => {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

/** `?after=` of a list whose sort key has this shape; anything else is a 400 BAD_CURSOR. */
export const cursor = <T extends z.ZodTuple>(key: T) =>
  z
    .string()
    .transform((text, ctx): z.infer<T> => {
      const r = key.safeParse(text.length <= 300 ? decode(text) : undefined);
      if (!r.success) {
        ctx.addIssue({ code: 'custom', message: 'not a cursor this list gave out (take `next` from the previous page)', params: { code: 'BAD_CURSOR' } });
        return z.NEVER;
      }
      return r.data;
    })
    .optional()
    .describe('the `next` of the previous page: the page after its last row (replaces offset)');

/** The `next` of a page read with one row more than its limit: the last shown row's key, or null at the end. */
export function nextCursor<R>(rows: R[], limit: number, keyOf: (row: R) => readonly (string | number)[]): { rows: R[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const shown = rows.slice(0, limit);
  return { rows: shown, next: encodeCursor(keyOf(shown[shown.length - 1])) };
}
