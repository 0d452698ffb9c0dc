import { createHash, createHmac, randomBytes } from 'node:crypto';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { SM2 } from '../../../shared/verify/signatures.ts';
import type { CryptoSuite } from './suite.ts';

/**
 * SM2 signatures over SM3 (GM/T 0003-2012, GB/T 32918.2): e = SM3(Z || M) with the signer's
 * Z over the default distinguishing ID "1234567812345678".
 *
 * Why not node:crypto alone: Node 20 (OpenSSL 3.0) treats an SM2-curve key as a plain EC key
 * (`asymmetricKeyType` is undefined) and `crypto.sign('sm3', ...)` produces ECDSA-with-SM3: no
 * Z, not the SM2 equation. It fails the standard's published signature (GM/T 0003.5 A.2), with
 * or without Z prepended by hand. So the curve arithmetic comes from @noble/curves; node:crypto
 * still supplies SM3, which does match the GB/T 32905 vectors.
 */
export const SM2_CURVE = SM2;

const Point = weierstrass(SM2_CURVE);
type Point = InstanceType<typeof Point>;
const N = SM2_CURVE.n;

export const DEFAULT_ID = '1234567812345678';

// A larger window table for G halves signing time; built on first use, not at import, since
// every process imports this suite and most run ed25519 chains.
let G: Point | undefined;
const base = (): Point => (G ??= Point.BASE.precompute(8, false));

export const sm3 = (...parts: (Uint8Array | string)[]): Buffer => {
  const h = createHash('sm3');
  for (const p of parts) h.update(p);
  return h.digest();
};

const hex32 = (x: bigint) => x.toString(16).padStart(64, '0');
const toBig = (b: Uint8Array) => BigInt('0x' + Buffer.from(b).toString('hex'));
const mod = (x: bigint) => Point.Fn.create(x);

/** Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA) */
export function zValue(publicKey: Point, id = DEFAULT_ID): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const entl = Buffer.alloc(2);
  entl.writeUInt16BE(idBytes.length * 8);
  const { x, y } = publicKey.toAffine();
  const fields = [SM2_CURVE.a, SM2_CURVE.b, SM2_CURVE.Gx, SM2_CURVE.Gy, x, y].map((v) => Buffer.from(hex32(v), 'hex'));
  return sm3(entl, idBytes, ...fields);
}

const HEX = /^[0-9a-f]*$/;
const HOT = 8;
interface KeyEntry {
  point: Point;
  z: Buffer;
  uses: number;
}
const pointCache = new Map<string, KeyEntry>();

/** Decodes an uncompressed 04||x||y key, checking it is on the curve; undefined if not. */
function publicPoint(hex: string): KeyEntry | undefined {
  if (hex.length !== 130 || !hex.startsWith('04') || !HEX.test(hex)) return undefined;
  let entry = pointCache.get(hex);
  if (!entry) {
    try {
      const point = Point.fromHex(hex);
      point.assertValidity();
      entry = { point, z: zValue(point), uses: 0 };
    } catch {
      return undefined;
    }
    if (pointCache.size >= 100_000) pointCache.clear();
    pointCache.set(hex, entry);
  }
  // Node keys sign most transactions: a window table (~50 ms once) makes each later
  // verification about three times faster. One-off enterprise keys never pay for it.
  if (++entry.uses === HOT) entry.point.precompute(6, false);
  return entry;
}

/** A private key must lie in [1, n-2]: signing divides by (1 + d). */
function privateScalar(hex: string): bigint {
  if (hex.length !== 64 || !HEX.test(hex)) throw new Error('an SM2 private key is 64 lowercase hex characters');
  const d = BigInt('0x' + hex);
  if (d < 1n || d > N - 2n) throw new Error('SM2 private key out of range');
  return d;
}

/**
 * Deterministic k (RFC 6979, HMAC-SM3): a node with a weak random source must not leak its
 * key through repeated or biased nonces, and the same input always signs the same way.
 */
function* nonces(d: bigint, e: Uint8Array): Generator<bigint> {
  const x = Buffer.from(hex32(d), 'hex');
  const h1 = Buffer.from(hex32(mod(toBig(e))), 'hex');
  let V = Buffer.alloc(32, 1);
  let K = Buffer.alloc(32, 0);
  const hmac = (key: Buffer, ...parts: Buffer[]) => {
    const m = createHmac('sm3', key);
    for (const p of parts) m.update(p);
    return m.digest();
  };
  K = hmac(K, V, Buffer.from([0]), x, h1);
  V = hmac(K, V);
  K = hmac(K, V, Buffer.from([1]), x, h1);
  V = hmac(K, V);
  for (;;) {
    V = hmac(K, V);
    const k = toBig(V);
    if (k >= 1n && k < N) yield k;
    K = hmac(K, V, Buffer.from([0]));
    V = hmac(K, V);
  }
}

/** The signature for a given k; exported for the standard's fixed-k test vector. */
export function signWithK(d: bigint, e: Uint8Array, k: bigint): { r: bigint; s: bigint } | undefined {
  const x1 = base().multiply(k).toAffine().x;
  const r = mod(toBig(e) + x1);
  if (r === 0n || r + k === N) return undefined;
  const s = mod(Point.Fn.inv(mod(1n + d)) * (k - r * d));
  if (s === 0n) return undefined;
  return { r, s };
}

const publicKeys = new Map<string, string>();

function publicKeyOf(privateKey: string): string {
  let pub = publicKeys.get(privateKey);
  if (!pub) {
    pub = base().multiply(privateScalar(privateKey)).toHex(false);
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(privateKey, pub);
  }
  return pub;
}

export function sm2Digest(publicKey: Point, message: Uint8Array, id = DEFAULT_ID): Buffer {
  return sm3(zValue(publicKey, id), message);
}

export function sm2Verify(publicKey: string, message: Uint8Array, signature: string, id = DEFAULT_ID): boolean {
  if (signature.length !== 128 || !HEX.test(signature)) return false;
  const key = publicPoint(publicKey);
  if (!key) return false;
  const P = key.point;
  const r = BigInt('0x' + signature.slice(0, 64));
  const s = BigInt('0x' + signature.slice(64));
  if (r < 1n || r >= N || s < 1n || s >= N) return false;
  const t = mod(r + s);
  if (t === 0n) return false;
  const R = key.uses >= HOT ? base().multiplyUnsafe(s).add(P.multiplyUnsafe(t)) : base().mulAddUnsafe(s, P, t);
  if (R.is0()) return false;
  const e = id === DEFAULT_ID ? sm3(key.z, message) : sm2Digest(P, message, id);
  return mod(toBig(e) + R.toAffine().x) === r;
}

export const sm2Suite: CryptoSuite = {
  name: 'sm2',
  publicKeyHexLength: 130,
  signatureHexLength: 128,

  generateKeyPair() {
    for (;;) {
      const d = toBig(randomBytes(32));
      if (d < 1n || d > N - 2n) continue;
      const privateKey = hex32(d);
      return { privateKey, publicKey: publicKeyOf(privateKey) };
    }
  },

  publicKeyOf,

  sign(privateKey, message) {
    const d = privateScalar(privateKey);
    const e = sm3(publicPoint(publicKeyOf(privateKey))!.z, message);
    for (const k of nonces(d, e)) {
      const sig = signWithK(d, e, k);
      if (sig) return hex32(sig.r) + hex32(sig.s);
    }
    throw new Error('unreachable');
  },

  verify(publicKey, message, signature) {
    try {
      return sm2Verify(publicKey, message, signature);
    } catch {
      return false;
    }
  },
};

export { Point as Sm2Point };
