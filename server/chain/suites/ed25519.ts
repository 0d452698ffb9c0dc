import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { CryptoSuite } from './suite.ts';

// DER prefixes that wrap a raw 32-byte ed25519 key as SPKI / PKCS#8, so node:crypto can use
// keys that @noble/curves made (and the browser holds) without any conversion library.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

// Creating a KeyObject costs about as much as a verification; signers repeat, so keep them.
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 100_000;

function publicKeyObject(hex: string): KeyObject {
  let key = publicKeys.get(hex);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(hex, key);
  }
  return key;
}

// Signing keys are few (one per node) and reused for every block and staff transaction.
const privateKeys = new Map<string, KeyObject>();

function privateKeyObject(hex: string): KeyObject {
  let key = privateKeys.get(hex);
  if (!key) {
    key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'pkcs8' });
    if (privateKeys.size >= 1000) privateKeys.clear();
    privateKeys.set(hex, key);
  }
  return key;
}

const HEX = /^[0-9a-f]*$/;

export const ed25519Suite: CryptoSuite = {
  name: 'ed25519',
  publicKeyHexLength: 64,
  signatureHexLength: 128,

  generateKeyPair() {
    const secret = ed25519.utils.randomSecretKey();
    return { privateKey: Buffer.from(secret).toString('hex'), publicKey: Buffer.from(ed25519.getPublicKey(secret)).toString('hex') };
  },

  publicKeyOf(privateKey) {
    return Buffer.from(ed25519.getPublicKey(Buffer.from(privateKey, 'hex'))).toString('hex');
  },

  sign(privateKey, message) {
    return sign(null, message, privateKeyObject(privateKey)).toString('hex');
  },

  verify(publicKey, message, signature) {
    if (publicKey.length !== 64 || signature.length !== 128 || !HEX.test(publicKey) || !HEX.test(signature)) return false;
    try {
      return verify(null, message, publicKeyObject(publicKey), Buffer.from(signature, 'hex'));
    } catch {
      return false; // not a point on the curve, or otherwise unusable
    }
  },
};
