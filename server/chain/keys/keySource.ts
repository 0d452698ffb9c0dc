import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChainError } from '../errors.ts';

/**
 * Where one department's private keys come from. The node needs its signing key and its X25519
 * opening keys (oldest first); nothing else of another department ever passes through here.
 *
 * Files today (`FileKeySource`). A department with an HSM implements this over PKCS#11: the signing
 * key stays in the token and `signingKey()` is replaced by a signer (see deploy/README.md, "Keys in an
 * HSM"); the node's signing calls are the only ones that would change.
 */
export interface KeySource {
  readonly dept: string;
  signingKey(): string;
  encKeys(): string[];
}

export const keyFiles = (dir: string, dept: string) => ({ signing: join(dir, `${dept}.key`), enc: join(dir, `${dept}.enc`) });

/** `<dir>/<dept>.key` (hex signing key) and `<dir>/<dept>.enc` (hex X25519 keys, one a line), mode 0600. */
export class FileKeySource implements KeySource {
  constructor(readonly dir: string, readonly dept: string) {}

  signingKey(): string {
    const f = keyFiles(this.dir, this.dept).signing;
    if (!existsSync(f)) throw new ChainError('NO_NODE_KEY', `no signing key for ${this.dept} at ${f} (make one with \`npm run keys -- init --dept ${this.dept}\`)`);
    return readFileSync(f, 'utf8').trim();
  }

  encKeys(): string[] {
    const f = keyFiles(this.dir, this.dept).enc;
    return existsSync(f) ? readFileSync(f, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : [];
  }
}

/** Writes a department's private keys, refusing to overwrite: a lost key is a governance matter, not a file copy. */
export function writeKeyFiles(dir: string, dept: string, signingKey: string, encKeys: string[]): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = keyFiles(dir, dept);
  for (const file of [f.signing, f.enc]) if (existsSync(file)) throw new ChainError('KEY_EXISTS', `${file} exists; keys are never overwritten`);
  const secret = (file: string, text: string) => {
    writeFileSync(file, text, { mode: 0o600 });
    chmodSync(file, 0o600);
  };
  secret(f.signing, signingKey + '\n');
  secret(f.enc, encKeys.join('\n') + '\n');
}
