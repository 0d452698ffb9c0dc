import type { ContractDef } from '../../chain/contract.ts';
import { ceremonyContracts } from '../ceremony/contracts.ts';
import { privacyAnswerContract, type OnAnswered } from './answer.ts';
import { privacyAsk } from './ask.ts';
import { privacyCommit } from './commit.ts';
import { privacyDecline } from './decline.ts';

/** The module's contracts; `onAnswered` lets another module react to a verified answer in the same transaction. */
export const privacyContracts = (onAnswered?: OnAnswered): ContractDef[] => [privacyCommit, privacyAsk, privacyAnswerContract(onAnswered), privacyDecline, ...ceremonyContracts];

export type { OnAnswered };
