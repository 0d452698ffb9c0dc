import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

let worker: Worker | undefined;

/**
 * Moves a file database's checkpoints (copying the write-ahead log back into the database file,
 * and waiting for the disk twice) off the thread that commits blocks, onto one shared worker
 * with its own connections. The committing connection keeps SQLite's automatic checkpoint,
 * at a larger size, as a backstop. Returns what to call before the committing connection
 * closes: it waits until the worker has let go of the file, so that closing the last
 * connection folds the log into the file as usual (copies and tools can rely on that).
 */
export function checkpointInBackground(filename: string): () => void {
  const file = resolve(filename);
  if (!worker) {
    worker = new Worker(new URL('./checkpointWorker.mjs', import.meta.url));
    worker.unref();
    worker.on('error', () => {
      // the backstop checkpoints remain; a later database starts a new worker
      worker = undefined;
    });
  }
  const w = worker;
  w.postMessage({ open: file });
  return () => {
    if (w !== worker) return;
    const done = new Int32Array(new SharedArrayBuffer(4));
    w.postMessage({ close: file, done });
    // At most one checkpoint's time; a worker that doesn't answer is not waited for long.
    Atomics.wait(done, 0, 0, 10_000);
  };
}
