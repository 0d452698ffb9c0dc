import type { ContractDef } from './contract.ts';
import { ChainError } from './errors.ts';

/** Contract handlers by transaction kind. Built once per node from its modules. */
export class ContractRegistry {
  private readonly defs = new Map<string, ContractDef>();

  constructor(defs: ContractDef[] = []) {
    for (const d of defs) this.add(d);
  }

  add(def: ContractDef): void {
    if (this.defs.has(def.kind)) throw new Error(`contract kind ${def.kind} registered twice`);
    this.defs.set(def.kind, def);
  }

  get(kind: string): ContractDef {
    const d = this.defs.get(kind);
    if (!d) throw new ChainError('UNKNOWN_KIND', `no contract handles transactions of kind "${kind}"`);
    return d;
  }

  has(kind: string): boolean {
    return this.defs.has(kind);
  }

  kinds(): string[] {
    return [...this.defs.keys()].sort();
  }
}
