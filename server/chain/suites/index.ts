import { ChainError } from '../errors.ts';
import { ed25519Suite } from './ed25519.ts';
import { sm2Suite } from './sm2.ts';
import type { CryptoSuite } from './suite.ts';

const suites = new Map<string, CryptoSuite>([[ed25519Suite.name, ed25519Suite]]);

/** Lets the SM2 suite (or another) register itself without the core importing it. */
export function registerSuite(suite: CryptoSuite): void {
  suites.set(suite.name, suite);
}

// Genesis may name either suite, so both are always available (sm2 costs nothing until used).
registerSuite(sm2Suite);

export function suiteByName(name: string): CryptoSuite {
  const s = suites.get(name);
  if (!s) throw new ChainError('UNKNOWN_SUITE', `crypto suite ${name} is not available`);
  return s;
}

export type { CryptoSuite };
