import { ed25519 } from '@noble/curves/ed25519.js';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { sm3 } from './sm3.ts';

/**
 * Signature checks of both suites without node:crypto, for the offline verifier (CLI and
 * browser alike). ed25519 is checked strictly (RFC 8032, as node:crypto does, not ZIP 215);
 * SM2 as GM/T 0003 with the default distinguishing ID, as server/chain/suites/sm2.ts signs.
 */
/** The SM2 curve (GB/T 32918.5): the node's suite (server/chain/suites/sm2.ts) uses these same numbers. */
export const SM2 = {
  p: 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn,
  a: 0xfffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffcn,
  b: 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n,
  n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n,
  h: 1n,
  Gx: 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n,
  Gy: 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n,
};
const makePoint = () => weierstrass(SM2);
let point: ReturnType<typeof makePoint> | undefined;
// built on first use: most chains are ed25519 and never need it
export const Sm2Point = () => (point ??= makePoint());
export const SM2_N = SM2.n;
const HEX = /^[0-9a-f]*$/;
const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');
const big = (b: Uint8Array) => BigInt('0x' + (Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') || '0'));
const utf8 = (s: string) => new TextEncoder().encode(s);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** e = SM3(Z || M), with Z over the default distinguishing ID (GM/T 0003): what an SM2 signature signs. */
export function sm2Digest(key: { x: bigint; y: bigint }, message: Uint8Array): bigint {
  const id = utf8('1234567812345678');
  const z = sm3(concat([new Uint8Array([(id.length * 8) >> 8, (id.length * 8) & 255]), id, ...[SM2.a, SM2.b, SM2.Gx, SM2.Gy, key.x, key.y].map((v) => hexToBytes(hex32(v)))]));
  return big(sm3(concat([z, message])));
}

function sm2Verify(publicKey: string, message: Uint8Array, signature: string): boolean {
  if (publicKey.length !== 130 || !publicKey.startsWith('04') || signature.length !== 128) return false;
  const P = Sm2Point();
  const key = P.fromHex(publicKey);
  key.assertValidity();
  const n = SM2.n;
  const r = BigInt('0x' + signature.slice(0, 64));
  const s = BigInt('0x' + signature.slice(64));
  if (r < 1n || r >= n || s < 1n || s >= n) return false;
  const t = (r + s) % n;
  if (t === 0n) return false;
  const e = sm2Digest(key.toAffine(), message);
  const R = P.BASE.multiply(s).add(key.multiply(t));
  if (R.is0()) return false;
  return (e + R.toAffine().x) % n === r;
}

/** Whether `signature` (hex) is `publicKey`'s (hex) over `message` under the chain's suite. */
export function verifySignature(suite: 'ed25519' | 'sm2', publicKey: string, message: string, signature: string): boolean {
  if (!HEX.test(publicKey) || !HEX.test(signature)) return false;
  try {
    if (suite === 'sm2') return sm2Verify(publicKey, utf8(message), signature);
    if (publicKey.length !== 64 || signature.length !== 128) return false;
    return ed25519.verify(hexToBytes(signature), utf8(message), hexToBytes(publicKey), { zip215: false });
  } catch {
    return false;
  }
}
