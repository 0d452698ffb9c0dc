// Types for msmTables.mjs (plain JavaScript, loaded by proverWorker.mjs under plain node too).
import type { Curve } from 'ffjavascript';

export const TABLE_MAX_POINTS: number;

/** Window tables of one section's bases, kept in wasm memory of their own. */
export interface Table {
  group: 'G1' | 'G2';
  n: number;
  c: number;
  windows: number;
}

export function buildTable(curve: Curve, group: 'G1' | 'G2', bases: Uint8Array): Table;
export function tableMultiExp(table: Table, scalars: Uint8Array): Uint8Array;
