import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createConsortium } from '../../server/chain/consortium.ts';
import { ed25519Suite } from '../../server/chain/suites/ed25519.ts';
import { readConsortium, writeConsortium } from '../../server/consortiumFiles.ts';

// A department that joined by governance is not in genesis; its node must still find its keys.
test('a department named by the caller is read even when genesis does not list it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-joined-'));
  try {
    const c = createConsortium({ chain: 'joined', depts: ['market', 'tax', 'hrss', 'housing'], time: 1 });
    writeConsortium(dir, { genesis: c.genesis, nodeKeys: {}, encKeys: {} });
    const key = ed25519Suite.generateKeyPair().privateKey;
    writeFileSync(join(dir, 'keys', 'econ.key'), key + '\n', { mode: 0o600 });
    const read = readConsortium(dir, ['econ']);
    assert.deepEqual(read.nodeKeys, { econ: key });
    assert.deepEqual(readConsortium(dir).nodeKeys, {}, 'without names, only genesis members are looked for');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
