import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { TongbanClient, type Genesis } from './client.ts';
import { TongbanError } from './errors.ts';
import { keygen, type Suite } from './keys.ts';

const USAGE = `npm run tongban -- <command> [options]

  keygen [--suite ed25519|sm2] [--out key.hex]     a client key pair; register the public key in the portal
  submit <kind> <payload JSON> --ref <ref> [--final]  sign and submit once per reference; --final waits for finality
  events [--after <cursor>] [--kinds a.*,b.c] [--follow] [--checkpoint <file>]
                                                   the feed as JSON lines; --checkpoint resumes from and records the cursor
  verify <txId | event JSON>                       the transaction in its block and the block's certificate, checked offline

Connection (flags or environment): --url TONGBAN_URL, --dept TONGBAN_DEPT, --client TONGBAN_CLIENT,
--key TONGBAN_KEY (the private key in hex, or a file holding it), --genesis TONGBAN_GENESIS (the
consortium's genesis.json, the trust root; fetched from the node when absent).`;

class UsageError extends Error {}

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' }, dept: { type: 'string' }, client: { type: 'string' }, key: { type: 'string' }, genesis: { type: 'string' },
    suite: { type: 'string' }, out: { type: 'string' }, ref: { type: 'string' }, final: { type: 'boolean' },
    after: { type: 'string' }, kinds: { type: 'string' }, follow: { type: 'boolean' }, checkpoint: { type: 'string' }, help: { type: 'boolean' },
  },
});

const need = (v: string | undefined, what: string): string => {
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
};

function connect(): TongbanClient {
  const keyArg = need(o.key ?? process.env.TONGBAN_KEY, '--key or TONGBAN_KEY');
  const key = /^[0-9a-f]{64}$/.test(keyArg) ? keyArg : readFileSync(keyArg, 'utf8').trim();
  const genesisFile = o.genesis ?? process.env.TONGBAN_GENESIS;
  return new TongbanClient({
    url: need(o.url ?? process.env.TONGBAN_URL, '--url or TONGBAN_URL'),
    dept: need(o.dept ?? process.env.TONGBAN_DEPT, '--dept or TONGBAN_DEPT'),
    clientId: need(o.client ?? process.env.TONGBAN_CLIENT, '--client or TONGBAN_CLIENT'),
    key,
    genesis: genesisFile ? (JSON.parse(readFileSync(genesisFile, 'utf8')) as Genesis) : undefined,
  });
}

const print = (v: unknown): void => {
  process.stdout.write(`${JSON.stringify(v)}\n`);
};

/** Writes the cursor beside the file and renames it over: a crash leaves the old cursor or the new one, never half. */
function saveCursor(file: string, cursor: string): void {
  writeFileSync(`${file}.tmp`, cursor);
  renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
  const [cmd, ...args] = positionals;
  if (o.help || !cmd) return void process.stdout.write(`${USAGE}\n`);
  if (cmd === 'keygen') {
    const suite = (o.suite ?? 'ed25519') as Suite;
    if (suite !== 'ed25519' && suite !== 'sm2') throw new UsageError('--suite is ed25519 or sm2 (the chain\'s suite, in its genesis)');
    const k = keygen(suite);
    if (o.out) {
      writeFileSync(o.out, `${k.privateKey}\n`, { mode: 0o600, flag: 'wx' });
      return print({ suite, publicKey: k.publicKey, privateKeyFile: o.out });
    }
    return print(k);
  }
  if (cmd === 'submit') {
    const [kind, payload] = args;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(need(payload, 'the payload JSON')) as Record<string, unknown>;
    } catch (e) {
      throw e instanceof UsageError ? e : new UsageError('the payload is not valid JSON');
    }
    const c = connect();
    const r = await c.submit(need(kind, 'the kind'), body, { ref: need(o.ref, '--ref (your own reference id for this submission)') });
    if (!o.final) return print(r);
    const proof = await c.waitFinal(r.id);
    return print({ ...r, final: true, certifiedAt: proof.cert.height });
  }
  if (cmd === 'events') {
    const c = connect();
    const after = o.after ?? (o.checkpoint && existsSync(o.checkpoint) ? readFileSync(o.checkpoint, 'utf8').trim() : '0');
    const kinds = o.kinds ? o.kinds.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    for await (const e of c.events({ after, kinds, follow: !!o.follow, onCheckpoint: o.checkpoint ? (id) => saveCursor(o.checkpoint!, id) : undefined })) print(e);
    return;
  }
  if (cmd === 'verify') {
    const target = need(args[0], 'a transaction id or an event as JSON');
    return print({ ok: true, ...(await connect().verifyInclusion(target.startsWith('{') ? JSON.parse(target) : target)) });
  }
  throw new UsageError(`unknown command ${cmd}`);
}

main().catch((e) => {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(e instanceof TongbanError ? `${e.code}: ${e.message}\n` : `${(e as Error).message}\n`);
  process.exit(1);
});
