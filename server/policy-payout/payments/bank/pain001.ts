import { yuan } from '../../money.ts';
import type { Payee } from '../../schema.ts';
import type { RunRecord } from '../../records.ts';
import { esc } from './xml.ts';

export const PAIN001_NS = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/** Beijing time, from block time only: the file is the same bytes on every node and every day. */
function cst(ms: number): { dateTime: string; date: string } {
  const iso = new Date(ms + 8 * 3_600_000).toISOString();
  return { dateTime: `${iso.slice(0, 19)}+08:00`, date: iso.slice(0, 10) };
}

/** A Chinese bank is named by its CNAPS code, a clearing-system member id (there is often no BIC). */
const agent = (bankCode: string, bankName: string, pad: string) =>
  `${pad}<FinInstnId>\n${pad}  <ClrSysMmbId><ClrSysId><Cd>CNAPS</Cd></ClrSysId><MmbId>${esc(bankCode)}</MmbId></ClrSysMmbId>\n${pad}  <Nm>${esc(bankName)}</Nm>\n${pad}</FinInstnId>`;

const account = (acct: string, pad: string) => `${pad}<Id><Othr><Id>${esc(acct)}</Id></Othr></Id>`;

/** Who an award pays: fixed when it was approved, read from the award's record. */
export interface Party {
  code: string;
  payee: Payee;
}

/** Text fields are cut to their ISO 20022 maximum lengths (Max140Text names, Max140Text remittance). */
const cut = (s: string, n: number) => [...s].slice(0, n).join('');

/** The id of a run's one payment-information block, which a bank's pain.002 names back (OrgnlPmtInfId). */
export const pmtInfIdOf = (run: { id: string }): string => `${run.id}-1`;

/**
 * The customer credit transfer initiation (pain.001.001.09) for a payment run: one payment
 * information block drawn on the treasury account, one transaction per award, each with the
 * end-to-end id of its attempt, so the bank's status report maps back to exactly one attempt.
 * A pure function of the run record and the awards' payees (which never change once approved):
 * regenerating it gives the same file.
 */
export function pain001(run: RunRecord, parties: ReadonlyMap<string, Party>): string {
  const { dateTime, date } = cst(run.createdAt);
  const ctrl = yuan(run.totalFen);
  const txs = run.items.map((item) => {
    const party = parties.get(item.award);
    if (!party) throw new Error(`no payee for award ${item.award}`);
    const i = { ...item, ...party };
    return [
      '      <CdtTrfTxInf>',
      `        <PmtId><InstrId>${esc(i.endToEndId)}</InstrId><EndToEndId>${esc(i.endToEndId)}</EndToEndId></PmtId>`,
      `        <Amt><InstdAmt Ccy="CNY">${yuan(i.amountFen)}</InstdAmt></Amt>`,
      '        <CdtrAgt>',
      agent(i.payee.bankCode, i.payee.bankName, '          '),
      '        </CdtrAgt>',
      `        <Cdtr><Nm>${esc(cut(i.payee.name, 140))}</Nm></Cdtr>`,
      '        <CdtrAcct>',
      account(i.payee.account, '          '),
      '        </CdtrAcct>',
      `        <RmtInf><Ustrd>${esc(cut(`${run.policyTitle} ${i.award} ${i.code}`, 140))}</Ustrd></RmtInf>`,
      '      </CdtTrfTxInf>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${PAIN001_NS}">`,
    '  <CstmrCdtTrfInitn>',
    '    <GrpHdr>',
    `      <MsgId>${esc(run.id)}</MsgId>`,
    `      <CreDtTm>${dateTime}</CreDtTm>`,
    `      <NbOfTxs>${run.count}</NbOfTxs>`,
    `      <CtrlSum>${ctrl}</CtrlSum>`,
    `      <InitgPty><Nm>${esc(cut(run.debtor.name, 140))}</Nm></InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      <PmtInfId>${esc(pmtInfIdOf(run))}</PmtInfId>`,
    '      <PmtMtd>TRF</PmtMtd>',
    '      <BtchBookg>false</BtchBookg>',
    `      <NbOfTxs>${run.count}</NbOfTxs>`,
    `      <CtrlSum>${ctrl}</CtrlSum>`,
    `      <ReqdExctnDt><Dt>${date}</Dt></ReqdExctnDt>`,
    `      <Dbtr><Nm>${esc(cut(run.debtor.name, 140))}</Nm></Dbtr>`,
    '      <DbtrAcct>',
    account(run.debtor.account, '        '),
    '        <Ccy>CNY</Ccy>',
    '      </DbtrAcct>',
    '      <DbtrAgt>',
    agent(run.debtor.bankCode, run.debtor.bankName, '        '),
    '      </DbtrAgt>',
    '      <ChrgBr>SLEV</ChrgBr>',
    ...txs,
    '    </PmtInf>',
    '  </CstmrCdtTrfInitn>',
    '</Document>',
    '',
  ].join('\n');
}
