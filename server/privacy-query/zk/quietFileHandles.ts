/**
 * snarkjs reads circuits, ptau and zkey files through fastfile, which leaves some file handles for
 * the garbage collector to close; Node then prints "Closing file descriptor N on garbage
 * collection" and its deprecation (DEP0137) for each, dozens of times in a setup ceremony. Nothing
 * leaks for long and nobody can act on them, so these two are dropped; every other warning is
 * printed as before.
 */
export function quietFileHandleWarnings(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => {
    if (w.code === 'DEP0137' || /^Closing file descriptor \d+ on garbage collection$/.test(w.message)) return;
    for (const print of printers) print(w);
  });
}
