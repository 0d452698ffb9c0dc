import type { ContractDef } from '../../chain/contract.ts';
import { privacyAnswer } from './answer.ts';
import { privacyAsk } from './ask.ts';
import { privacyCommit } from './commit.ts';
import { privacyDecline } from './decline.ts';

export const privacyContracts: ContractDef[] = [privacyCommit, privacyAsk, privacyAnswer, privacyDecline];
