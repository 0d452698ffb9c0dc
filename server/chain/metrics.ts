import { Counter, Gauge, Registry } from 'prom-client';

/** One registry per process; every node reports with its department as a label. */
export function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    height: new Gauge({ name: 'tongban_chain_height', help: 'committed height', labelNames: ['dept'], registers: [registry] }),
    finalHeight: new Gauge({ name: 'tongban_chain_final_height', help: 'finalized height', labelNames: ['dept'], registers: [registry] }),
    alarm: new Gauge({ name: 'tongban_chain_alarm', help: '1 when this node disagrees with the quorum and has stopped', labelNames: ['dept'], registers: [registry] }),
    txs: new Counter({ name: 'tongban_txs_total', help: 'transactions committed', labelNames: ['dept', 'status'], registers: [registry] }),
    submits: new Counter({ name: 'tongban_submits_total', help: 'submissions accepted for ordering', labelNames: ['dept'], registers: [registry] }),
    loginFailures: new Counter({ name: 'tongban_login_failures_total', help: 'failed or refused portal sign-ins', labelNames: ['dept', 'reason'], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
