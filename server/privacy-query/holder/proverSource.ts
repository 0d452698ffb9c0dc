import { Prover, type ProverOptions } from '../zk/prover.ts';

/** Hands out one Prover, created on first use: worker threads and loaded zkeys cost too much to make per node. */
export type ProverSource = () => Prover;

export function lazyProver(opts: ProverOptions = {}): ProverSource & { close(): Promise<void> } {
  let prover: Prover | undefined;
  const get = () => (prover ??= new Prover(opts));
  return Object.assign(get, {
    async close() {
      const p = prover;
      prover = undefined;
      await p?.close();
    },
  });
}

/**
 * The process's prover, shared by every department node the process hosts (createModules makes modules
 * per node and has no other place to keep it). Idle workers are unref'd, so it never holds the process
 * open; tests and benches that want their own pass one to privacyModule instead.
 */
export const processProver = lazyProver();
