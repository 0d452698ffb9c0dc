// Worker: checkpoints the write-ahead logs of the SQLite files it is told about, from a
// connection of its own: every tick while blocks are being committed (so each block's pages
// are copied soon after its commit, and the next block can start the log over), every 0.8 s
// once a file has been quiet for a second. Plain JavaScript so it starts without a TypeScript
// loader. Messages: {open: file} and {close: file, done: Int32Array}; on close it sets done[0]
// and notifies once its connection to that file is closed.
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';

const TICK_MS = 25;
const QUIET_TICKS = 40;
const QUIET_EVERY = 32;
const files = new Map(); // file -> { db, users, lastLog, quiet, wait }

parentPort.on('message', (m) => {
  if (m.open) {
    const f = files.get(m.open);
    if (f) f.users++;
    else {
      try {
        files.set(m.open, { db: new Database(m.open, { fileMustExist: true }), users: 1, lastLog: -1, quiet: 0, wait: 0 });
      } catch {
        // Nothing to do then: the writer's own checkpoints still bound the log.
      }
    }
  }
  if (m.close) {
    const f = files.get(m.close);
    if (f && --f.users === 0) {
      files.delete(m.close);
      try {
        f.db.close();
      } catch {
        // already unusable; closing is all that was asked
      }
    }
    Atomics.store(m.done, 0, 1);
    Atomics.notify(m.done, 0);
  }
});

setInterval(() => {
  for (const f of files.values()) {
    if (f.wait-- > 0) continue;
    try {
      // PASSIVE never waits for, or blocks, the writer or readers; what it can't copy now it
      // copies next time. `log` is the log's length in pages: unchanged means nothing was committed.
      const [{ log }] = f.db.pragma('wal_checkpoint(PASSIVE)');
      f.quiet = log === f.lastLog ? f.quiet + 1 : 0;
      f.lastLog = log;
    } catch {
      // busy or gone: try again soon
      f.quiet = 0;
    }
    f.wait = f.quiet >= QUIET_TICKS ? QUIET_EVERY - 1 : 0;
  }
}, TICK_MS);
