import type { CommittedBlock } from './module.ts';
import type { TxRow } from './store/chainStore.ts';

export interface Waiter {
  mode: 'receipt' | 'final';
  resolve(row: TxRow): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Callers waiting for their transactions, indexed by id and then by height, so a block or a
 * finality certificate touches only the waiters it settles (no query per waiter per event).
 */
export class Waiters {
  private readonly byId = new Map<string, Waiter[]>();
  private readonly byHeight = new Map<number, { row: TxRow; w: Waiter }[]>();

  add(id: string, w: Waiter): void {
    const list = this.byId.get(id);
    if (list) list.push(w);
    else this.byId.set(id, [w]);
  }

  remove(id: string, w: Waiter): void {
    const list = this.byId.get(id);
    if (list) {
      const rest = list.filter((x) => x !== w);
      if (rest.length) this.byId.set(id, rest);
      else this.byId.delete(id);
    }
    for (const [h, items] of this.byHeight) {
      const rest = items.filter((x) => x.w !== w);
      if (rest.length) this.byHeight.set(h, rest);
      else this.byHeight.delete(h);
    }
  }

  awaitFinal(row: TxRow, w: Waiter): void {
    const items = this.byHeight.get(row.height);
    if (items) items.push({ row, w });
    else this.byHeight.set(row.height, [{ row, w }]);
  }

  onBlock(block: CommittedBlock, rowAt: (index: number) => TxRow): void {
    if (this.byId.size === 0) return;
    block.receipts.forEach((r, i) => {
      const list = this.byId.get(r.txId);
      if (!list) return;
      this.byId.delete(r.txId);
      const row = rowAt(i);
      for (const w of list) {
        if (w.mode === 'receipt') {
          clearTimeout(w.timer);
          w.resolve(row);
        } else this.awaitFinal(row, w);
      }
    });
  }

  onFinal(height: number): void {
    for (const [h, items] of this.byHeight) {
      if (h > height) continue;
      this.byHeight.delete(h);
      for (const { row, w } of items) {
        clearTimeout(w.timer);
        w.resolve(row);
      }
    }
  }

  cancelAll(err: Error): void {
    for (const list of this.byId.values()) for (const w of list) (clearTimeout(w.timer), w.reject(err));
    for (const items of this.byHeight.values()) for (const { w } of items) (clearTimeout(w.timer), w.reject(err));
    this.byId.clear();
    this.byHeight.clear();
  }
}

