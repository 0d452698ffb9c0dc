import type { Sealed } from '../../chain/sealing/envelope.ts';
import type { FilingRecord } from '../records.ts';
import type { FilingPersonal, Material, Profile } from '../schema.ts';

// The read models' opened shapes, apart from the code that opens them (Node only), so the portal
// can import the types.

/** What a read model keeps in place of a sealed value this node cannot open: who it is sealed to. */
export interface SealedMarker {
  sealed: true;
  to: string[];
  problem?: string;
}

/** A record type as the read model serves it: each envelope opened to its value `V`, or a marker. */
export type Opened<T, V = string> = T extends Sealed ? V | SealedMarker : T extends (infer U)[] ? Opened<U, V>[] : T extends object ? { [K in keyof T]: Opened<T[K], V> } : T;

export const isSealedMarker = (v: unknown): v is SealedMarker => typeof v === 'object' && v !== null && (v as { sealed?: unknown }).sealed === true;

/**
 * A filing as this node's read model keeps it. State and the ledger hold the sealed part only
 * sealed; a node whose department is a recipient stores it opened here, any other node stores
 * no trace of it beyond who it is sealed to. `readable` tells the portal which it is.
 */
export type FilingView = Omit<FilingRecord, 'profile' | 'materials'> & {
  profile: Omit<Profile, 'personal'> & { legalRepresentative?: string; contacts: FilingPersonal['contacts']; employees?: number };
  /** each with its file name where this node reads the sealed part */
  materials: (Material & { name?: string })[];
  sealed?: { to: string[]; readable: boolean; problem?: string };
};
