import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';
import { ChainError } from '../errors.ts';
import { Cert, CertSig, DeptId, Hash, Header } from '../schema.ts';
import type { CheckpointEntry } from './checkpointView.ts';
import { MemberChange } from './memberEvidence.ts';

export const SNAPSHOT_FORMAT = 'tongban-snapshot/1';

/** The first line of a snapshot file: what it claims, and the signatures that must back it. */
export const SnapshotMeta = z.strictObject({
  format: z.literal(SNAPSHOT_FORMAT),
  chain: z.string().min(1).max(64),
  height: z.number().int().positive(),
  hash: Hash,
  root: Hash,
  /** the headers above the final height up to `height` (checkpointFrame) */
  headers: z.array(Header).min(1),
  /** the finality certificate of `height` */
  cert: Cert,
  /** members' signatures over snapshotMessage(chain, height, hash, root) */
  sigs: z.array(CertSig),
  /** the blocks up to `height` that changed the membership, oldest first (memberEvidence.ts); absent when none did */
  members: z.array(MemberChange).max(10_000).optional(),
});
export type SnapshotMeta = z.infer<typeof SnapshotMeta>;

const line = (e: CheckpointEntry): unknown[] => {
  switch (e.s) {
    case 'state':
      return ['s', e.k, e.v];
    case 'id':
      return ['i', e.id];
    case 'nonce':
      return ['n', e.signer, e.nonce];
    case 'vote':
      return ['v', e.vote.height, e.vote.dept, e.vote.hash, e.vote.sig, e.vote.offset];
  }
};

const Str = z.string().max(4_000_000);
const Line = z.union([
  z.tuple([z.literal('s'), z.string().max(255), Str]),
  z.tuple([z.literal('i'), Hash]),
  z.tuple([z.literal('n'), z.string().max(130), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]),
  z.tuple([z.literal('v'), z.number().int().nonnegative(), DeptId, Hash, z.string().max(200), z.number().int().nonnegative()]),
]);

function entryOf(l: z.infer<typeof Line>): CheckpointEntry {
  switch (l[0]) {
    case 's':
      return { s: 'state', k: l[1], v: l[2] };
    case 'i':
      return { s: 'id', id: l[1] };
    case 'n':
      return { s: 'nonce', signer: l[1], nonce: l[2] };
    case 'v':
      return { s: 'vote', vote: { height: l[1], dept: l[2], hash: l[3], sig: l[4], offset: l[5] } };
  }
}

/** Writes a snapshot: the meta line, then one JSON line per entry, gzipped. */
export async function writeSnapshot(path: string, meta: SnapshotMeta, entries: AsyncIterable<CheckpointEntry>): Promise<void> {
  const gz = createGzip();
  const out = gz.pipe(createWriteStream(path));
  const put = async (text: string) => {
    if (!gz.write(`${text}\n`)) await once(gz, 'drain');
  };
  await put(JSON.stringify(meta));
  for await (const e of entries) await put(JSON.stringify(line(e)));
  gz.end();
  await finished(out);
}

const bad = (message: string) => new ChainError('SNAPSHOT_MALFORMED', message, { status: 400 });

/**
 * Reads a snapshot file as its meta and a generator of its entries; every line is checked
 * against its schema, and a line that is not one is refused with its number.
 */
export async function openSnapshot(path: string): Promise<{ meta: SnapshotMeta; entries(): AsyncGenerator<CheckpointEntry> }> {
  const lines = () => createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  let first: string | undefined;
  try {
    for await (const l of lines()) {
      first = l;
      break;
    }
  } catch {
    throw bad('the file is not a gzipped snapshot');
  }
  const parsed = SnapshotMeta.safeParse(parseLine(first ?? ''));
  if (!parsed.success) throw bad(`the snapshot's first line is not its description: ${parsed.error.issues[0]?.message ?? ''}`);
  return {
    meta: parsed.data,
    async *entries() {
      let n = 0;
      try {
        for await (const l of lines()) {
          if (n++ === 0 || l === '') continue;
          const e = Line.safeParse(parseLine(l));
          if (!e.success) throw bad(`line ${n} of the snapshot is not an entry`);
          yield entryOf(e.data);
        }
      } catch (err) {
        if (err instanceof ChainError) throw err;
        throw bad('the snapshot file is cut off or damaged');
      }
    },
  };
}

function parseLine(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
