import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { SM2_N, sm2Digest, Sm2Point } from '../shared/verify/signatures.ts';

/** The chain's signature suite, from its genesis: every key of the chain is of this suite. */
export type Suite = 'ed25519' | 'sm2';

export interface KeyPair {
  suite: Suite;
  publicKey: string;
  privateKey: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = (s: string) => new TextEncoder().encode(s);
const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');

function randomScalar(): bigint {
  for (;;) {
    const b = crypto.getRandomValues(new Uint8Array(32));
    const k = BigInt('0x' + bytesToHex(b));
    if (k >= 1n && k < SM2_N - 1n) return k;
  }
}

/** A fresh key pair made on this machine: the private key never leaves it; register the public key. */
export function keygen(suite: Suite): KeyPair {
  if (suite === 'sm2') {
    const d = randomScalar();
    return { suite, privateKey: hex32(d), publicKey: Sm2Point().BASE.multiply(d).toHex(false) };
  }
  const secret = ed25519.utils.randomSecretKey();
  return { suite, privateKey: bytesToHex(secret), publicKey: bytesToHex(ed25519.getPublicKey(secret)) };
}

export function publicKeyOf(suite: Suite, privateKey: string): string {
  if (!HEX64.test(privateKey)) throw new TypeError('a private key is 64 lowercase hex characters');
  return suite === 'sm2' ? Sm2Point().BASE.multiply(BigInt('0x' + privateKey)).toHex(false) : bytesToHex(ed25519.getPublicKey(hexToBytes(privateKey)));
}

/** Signs a text (UTF-8) as the node verifies it: ed25519 (RFC 8032), or SM2 with SM3 and the default ID (GM/T 0003). */
export function signText(suite: Suite, privateKey: string, text: string): string {
  if (!HEX64.test(privateKey)) throw new TypeError('a private key is 64 lowercase hex characters');
  if (suite === 'ed25519') return bytesToHex(ed25519.sign(utf8(text), hexToBytes(privateKey)));
  const d = BigInt('0x' + privateKey);
  const P = Sm2Point();
  const n = SM2_N;
  const e = sm2Digest(P.BASE.multiply(d).toAffine(), utf8(text));
  for (;;) {
    const k = randomScalar();
    const r = (e + P.BASE.multiply(k).toAffine().x) % n;
    if (r === 0n || r + k === n) continue;
    const inv = P.Fn.inv((1n + d) % n);
    const s = (((inv * ((k - r * d) % n)) % n) + n) % n;
    if (s !== 0n) return hex32(r) + hex32(s);
  }
}
