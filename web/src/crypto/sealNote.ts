import { seal, type SealRecipient } from '../../../server/chain/sealing/envelope.ts';

/**
 * Seals a text the enterprise writes about its application (a supplement's note) in this
 * browser, before it signs, to the departments named by GET /approval/applications/{id}/sealing:
 * every department owning a stage of the application (server/approval/staffSeal.ts).
 */
export const sealNote = (note: string, to: SealRecipient[]) => seal(note, to);
