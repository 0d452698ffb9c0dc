import type { ContractDef } from './contract.ts';
import { auditView } from './contracts/auditView.ts';
import { clientContracts } from './contracts/clients.ts';
import { coreGovActions, governanceContracts } from './contracts/governance.ts';
import { userDisable, userRegister } from './contracts/users.ts';
import type { Module } from './module.ts';
import { ContractRegistry } from './registry.ts';

/**
 * The contracts a node runs: the core ones, every module's, and governance over all the
 * modules' actions. The node, the verifier and the vector runners build it here, so they
 * can never disagree about which code executes a kind.
 */
export function buildRegistry(modules: Pick<Module, 'contracts' | 'govActions'>[] = []): ContractRegistry {
  const contracts: ContractDef[] = [userRegister, userDisable, auditView];
  const actions = [...coreGovActions];
  for (const m of modules) {
    contracts.push(...(m.contracts ?? []));
    actions.push(...(m.govActions ?? []));
  }
  contracts.push(...governanceContracts(actions));
  // a client is granted only kinds its role may submit: the roles of every contract above
  const roles = new Map(contracts.map((c) => [c.kind, c.roles]));
  contracts.push(...clientContracts((kind) => roles.get(kind)));
  return new ContractRegistry(contracts);
}
