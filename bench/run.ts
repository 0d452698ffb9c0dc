import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';

/**
 * npm run bench -- [suite ...] [--quick] [--mysql]
 * Runs benchmark suites, prints one JSON line per figure, and appends the run to
 * bench/RESULTS.md with the machine, the date and each suite's method. --mysql runs the suites
 * that have a MariaDB variant on it, each in its own section (`scale (mysql)`).
 */
export interface Figure {
  metric: string;
  value: number;
  unit: string;
}
interface Suite {
  method: string;
  run(opts: { quick: boolean; mysql?: boolean }): Promise<Figure[]>;
  /** the suite can put its nodes on MariaDB (--mysql) */
  mysql?: boolean;
}

/** Suites load lazily by URL, so one missing or broken suite doesn't stop the others. */
const here = (rel: string) => new URL(rel, import.meta.url).href;

const suites: Record<string, () => Promise<Suite>> = {
  ledger: async () => {
    const m = await import('./ledger.ts');
    return { method: m.method, run: m.runLedgerBench };
  },
  privacy: async () => {
    const m = await import(here('./privacy.ts'));
    return { method: 'warm Groth16 proofs through the prover worker pool; verify with snarkjs; medians of repeated runs', run: m.runPrivacyBench };
  },
  privacyE2e: async () => {
    const m = await import(here('./privacyE2e.ts'));
    return { method: m.method, run: m.runPrivacyE2eBench };
  },
  dossier: async () => {
    const m = await import(here('./dossier.ts'));
    return { method: 'one-click dossier requests against 10,000 seeded enterprises (fewer with --quick); p50/p95 of request latency', run: m.runDossierBench };
  },
  payout: async () => {
    const m = await import(here('./payout.ts'));
    return { method: 'applications checked per second with their privacy queries; a payment run of 10,000 awards to a pain.001 file (2,000 with --quick) with the three nodes of its platform in this process, and another with the finance node applying alone (the other two stopped once the awards are made)', run: m.runPayoutBench };
  },
  cluster: async () => {
    const m = await import(here('./cluster.ts'));
    return {
      method: m.method,
      run: async (o: { quick: boolean }) => [...(await m.runClusterBench(o)), ...(await m.runNodeApplyBench(o))],
    };
  },
  evidence: async () => {
    const m = await import(here('./evidence.ts'));
    return { method: m.method, run: m.runEvidenceBench };
  },
  scale: async () => {
    const m = await import(here('./scale.ts'));
    return { method: m.method, run: m.runScaleBench, mysql: true };
  },
  events: async () => {
    const m = await import(here('./events.ts'));
    return { method: m.method, run: m.runEventsBench };
  },
  import: async () => {
    const m = await import(here('./import.ts'));
    return { method: m.method, run: m.runImportBench };
  },
};

const { values, positionals } = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean', default: false }, mysql: { type: 'boolean', default: false } } });
// scale is named to run: it seeds a city (a quarter of an hour with --quick, a day and more without)
const chosen = positionals.length ? positionals : Object.keys(suites).filter((s) => s !== 'scale');
const results = 'bench/RESULTS.md';
if (!existsSync(results)) writeFileSync(results, '# Benchmark results\n\nAppended by `npm run bench`; newest last. Goals are in the issues and the README.\n');

for (const name of chosen) {
  const load = suites[name];
  if (!load) {
    console.error(`unknown suite ${name}; choose from ${Object.keys(suites).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  let suite: Suite;
  try {
    suite = await load();
  } catch (err) {
    console.error(`suite ${name} is not available: ${(err as Error).message}`);
    continue;
  }
  if (values.mysql && !suite.mysql) {
    console.error(`suite ${name} has no MariaDB variant`);
    process.exitCode = 2;
    continue;
  }
  const figures = await suite.run({ quick: values.quick!, mysql: values.mysql });
  for (const f of figures) console.log(JSON.stringify(f));
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const rows = figures.map((f) => `| ${f.metric} | ${Number.isInteger(f.value) ? f.value : Math.round(f.value * 10) / 10} | ${f.unit} |`).join('\n');
  appendFileSync(
    results,
    `\n## ${name}${values.mysql ? ' (mysql)' : ''}${values.quick ? ' (quick)' : ''}: ${new Date().toISOString()}\n\nMachine: ${machine}\n\nMethod: ${suite.method}\n\n| metric | median | unit |\n|---|---|---|\n${rows}\n`,
  );
}
process.exit(process.exitCode ?? 0);
