/**
 * Records this process has already checked, by the SHA-256 of their bytes. Nodes that share a
 * process (the embedded mode) share one cache, so each transaction's canonical form and
 * signature, and each attestation's signature, are checked once per process instead of once
 * per department. A cluster node checks each once for itself.
 */
export class VerifiedCache {
  private current = new Map<string, string>();
  private previous = new Map<string, string>();

  constructor(private readonly capacity = 200_000) {}

  get(recordHash: string): string | undefined {
    return this.current.get(recordHash) ?? this.previous.get(recordHash);
  }

  has(recordHash: string): boolean {
    return this.get(recordHash) !== undefined;
  }

  /** @param value what the check established (a transaction's id), or '1' */
  add(recordHash: string, value = '1'): void {
    // Two generations: bounded memory without per-entry bookkeeping.
    if (this.current.size >= this.capacity) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(recordHash, value);
  }
}
