// Loaded into every test process (scripts/test.mjs). With --test-force-exit a test file's process
// exits as soon as its last test ends; a report still queued on the stdout pipe to the runner would
// be lost with it, and the runner would count fewer tests and still pass (nodejs/node#64833).
// Blocking writes leave nothing queued.
for (const s of [process.stdout, process.stderr]) s._handle?.setBlocking?.(true);
