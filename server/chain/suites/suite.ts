/**
 * A crypto suite: how a chain's keys look, how it signs and verifies. Chosen once in genesis.
 * Keys and signatures travel as lowercase hex; anything else is rejected as non-canonical.
 */
export interface CryptoSuite {
  readonly name: 'ed25519' | 'sm2';
  /** Length in hex characters of a public key and of a signature in this suite. */
  readonly publicKeyHexLength: number;
  readonly signatureHexLength: number;
  generateKeyPair(): { publicKey: string; privateKey: string };
  publicKeyOf(privateKey: string): string;
  sign(privateKey: string, message: Uint8Array): string;
  /** Never throws: a malformed key or signature simply does not verify. */
  verify(publicKey: string, message: Uint8Array, signature: string): boolean;
}
