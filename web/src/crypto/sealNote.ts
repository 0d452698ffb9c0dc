import { seal, type SealRecipient } from '@shared/sealing.ts';

/**
 * Seals what the enterprise writes about its application (the project's investment and
 * description, a supplement's note) in this browser, before it signs, to the departments named
 * by GET /approval/processes/{id}/sealing or /applications/{id}/sealing: every department
 * owning a stage (server/approval/staffSeal.ts).
 */
export const sealNote = (note: string, to: SealRecipient[]) => seal(note, to);
