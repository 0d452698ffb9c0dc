/**
 * How far this machine's privacy-query keys are while the embedded platform makes them in the
 * background (server/start/keysBuild.ts): circuits with keys out of all, the one being set up, and
 * why the build stopped if it did. The portal shows it until the consortium adopts the keys.
 */
export interface KeysProgress {
  done: number;
  total: number;
  /** the circuit whose ceremony runs now */
  current: string | null;
  /** set when the build stopped without keys */
  failed?: string;
}

/** GET /<dept>/api/privacy/keys/status */
export interface KeysStatus {
  /** the consortium has verification keys in force: questions can be answered */
  adopted: boolean;
  /** this process is making keys (embedded start); null when it is not */
  building: KeysProgress | null;
}
