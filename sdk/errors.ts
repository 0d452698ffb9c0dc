/** A refusal with the node's code (or the SDK's own), its HTTP status, and the seconds to wait when the node names them. */
export class TongbanError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly retryAfter?: number,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TongbanError';
  }
}
