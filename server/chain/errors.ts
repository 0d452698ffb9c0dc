/**
 * Errors with a stable code, an HTTP status and structured data. Domain code throws these;
 * the HTTP layer maps them to `{code, message}` bodies and the executor records the code
 * as a rejected transaction's reason.
 */
export class ChainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly data?: Record<string, unknown>;

  constructor(code: string, message: string, opts: { status?: number; data?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'ChainError';
    this.code = code;
    this.status = opts.status ?? 400;
    this.data = opts.data;
  }
}

export const isChainError = (e: unknown): e is ChainError => e instanceof ChainError;

/** Shorthand for rejecting with a code: `reject('NONCE_REUSED', 'nonce 5 was used before')`. */
export function reject(code: string, message: string, status = 400, data?: Record<string, unknown>): never {
  throw new ChainError(code, message, { status, data });
}

export function assert(cond: unknown, code: string, message: string, status = 400): asserts cond {
  if (!cond) reject(code, message, status);
}
