import { z } from 'zod';

/** True when the text is well-formed Unicode: no lone UTF-16 surrogate, so it has a UTF-8 form. */
export const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** Control characters (Unicode Cc) a name may never hold; prose may still hold tab, LF and CR. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Why a text may not be recorded, or undefined. Names and titles end up in payment files
 * (pain.001 is XML, where most control characters make the whole file invalid), in CSV exports
 * and in printed reports, so they are refused when filed rather than escaped on the way out.
 */
export function textProblem(s: string, multiline: boolean): string | undefined {
  if (!isWellFormed(s)) return 'must be well-formed Unicode (it holds a lone surrogate)';
  const m = (multiline ? CONTROL_BUT_LINES : CONTROL).exec(s);
  if (m) return `must not hold control characters (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} at ${m.index})${multiline ? '' : '; it is a single line'}`;
  if (/[\uFFFE\uFFFF]/.test(s)) return 'must not hold the noncharacters U+FFFE or U+FFFF';
  return undefined;
}

/** The refinement itself, for string schemas that are not Line or Prose (no trim, other bounds). */
export const refuseControl =
  (multiline: boolean) =>
  (s: string, ctx: z.RefinementCtx): void => {
    const problem = textProblem(s, multiline);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, params: { code: 'CONTROL_CHARACTER' } });
  };

const checked = (max: number, multiline: boolean) => z.string().trim().min(1).max(max).superRefine(refuseControl(multiline));

/** A name or title: one line, trimmed, 1..max characters, no control character. */
export const Line = (max: number) => checked(max, false);
/** Free text (opinions, reasons, statements): trimmed, 1..max characters; line breaks and tabs allowed, other control characters not. */
export const Prose = (max: number) => checked(max, true);
