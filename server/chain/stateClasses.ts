import { publicFields, type StateRecordClasses } from './classification.ts';

/**
 * The classes of what the ledger's own contracts write to state (members, node and enterprise
 * keys, staff, governance proposals, recorded audit looks): all public, since membership, who
 * may sign and who looked at what are what every member checks.
 */
export const CHAIN_STATE_CLASSES: readonly StateRecordClasses[] = [
  { prefix: 'member/', fields: publicFields('dept', 'name', 'nameEn', 'nodeKey', 'encKey', 'encKeysOld', 'active') },
  { prefix: 'members', fields: publicFields('.') },
  { prefix: 'key/', fields: publicFields('type', 'dept', 'code', 'id') },
  // a department's systems act in its name: who they are and what they may do is every member's to check
  { prefix: 'client/', fields: publicFields('id', 'dept', 'name', 'role', 'kinds', 'events', 'key', 'keysOld', 'active') },
  { prefix: 'clients/', fields: publicFields('.') },
  // staff names: an act is attributable to its person, so the name goes with the role
  { prefix: 'user/', fields: publicFields('id', 'dept', 'name', 'role', 'active') },
  { prefix: 'gov/proposal/', fields: publicFields('id', 'type', 'params', 'proposer', 'approvals', 'status', 'height') },
  { prefix: 'audit/view/', fields: publicFields('by', 'records', 'purpose', 'height') },
];
