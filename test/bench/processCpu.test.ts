import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { processCpuSeconds } from '../../bench/processCpu.ts';

test('processCpuSeconds counts the CPU a process uses, and nothing for a process that is not there', () => {
  const before = processCpuSeconds(process.pid);
  assert.equal(typeof before, 'number');
  // Busy for about half a second of CPU: /proc counts in ticks of 10 ms.
  const until = process.cpuUsage().user + 500_000;
  let h = Buffer.alloc(32);
  while (process.cpuUsage().user < until) h = createHash('sha256').update(h).digest();
  const after = processCpuSeconds(process.pid)!;
  assert.ok(after - before! >= 0.3, `counted ${after - before!} s for ~0.5 s of work`);
  assert.equal(processCpuSeconds(2 ** 31 - 1), undefined);
});
