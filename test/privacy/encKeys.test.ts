import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createConsortium } from '../../server/chain/consortium.ts';
import { encPublicOf, generateEncKey } from '../../server/chain/sealing/envelope.ts';
import { readConsortium, writeConsortium } from '../../server/consortiumFiles.ts';

test('every member gets an encryption key: the public half in genesis, the private half in its own 0600 file', () => {
  const c = createConsortium({ chain: 't', depts: ['market', 'tax'], time: 1 });
  for (const m of c.genesis.members) {
    assert.match(m.encKey!, /^[0-9a-f]{64}$/);
    assert.equal(encPublicOf(c.encKeys[m.dept][0]), m.encKey);
  }
  const dir = mkdtempSync(join(tmpdir(), 'tongban-keys-'));
  try {
    // a rotation appends the new key; the old one stays for what was sealed to it
    c.encKeys.tax.push(generateEncKey().privateKey);
    writeConsortium(dir, c);
    assert.equal(statSync(join(dir, 'keys', 'tax.enc')).mode & 0o777, 0o600);
    const back = readConsortium(dir, ['tax']);
    assert.deepEqual(back.encKeys, { tax: c.encKeys.tax });
    assert.equal(back.nodeKeys.market, undefined, 'a department reads only its own keys');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
