import type { XmlNode } from '../../server/policy-payout/payments/bank/xml.ts';

/**
 * The part of the pain.001.001.09 XSD our files use, written down by hand: for each element its
 * children as the schema's sequence (in order, with ? optional, * any number, + at least one,
 * a|b a choice), and the simple types of the leaves. Enough to catch an element out of order,
 * a missing one, a wrong count or sum, or a value too long for its type.
 */
const SEQ: Record<string, string[]> = {
  Document: ['CstmrCdtTrfInitn'],
  CstmrCdtTrfInitn: ['GrpHdr', 'PmtInf+', 'SplmtryData*'],
  GrpHdr: ['MsgId', 'CreDtTm', 'Authstn*', 'NbOfTxs', 'CtrlSum?', 'InitgPty', 'FwdgAgt?'],
  PmtInf: ['PmtInfId', 'PmtMtd', 'BtchBookg?', 'NbOfTxs?', 'CtrlSum?', 'PmtTpInf?', 'ReqdExctnDt', 'PoolgAdjstmntDt?', 'Dbtr', 'DbtrAcct', 'DbtrAgt', 'DbtrAgtAcct?', 'InstrForDbtrAgt?', 'UltmtDbtr?', 'ChrgBr?', 'ChrgsAcct?', 'ChrgsAcctAgt?', 'CdtTrfTxInf+'],
  CdtTrfTxInf: ['PmtId', 'PmtTpInf?', 'Amt', 'XchgRateInf?', 'ChrgBr?', 'ChqInstr?', 'UltmtDbtr?', 'IntrmyAgt1?', 'IntrmyAgt1Acct?', 'IntrmyAgt2?', 'IntrmyAgt2Acct?', 'IntrmyAgt3?', 'IntrmyAgt3Acct?', 'CdtrAgt?', 'CdtrAgtAcct?', 'Cdtr?', 'CdtrAcct?', 'UltmtCdtr?', 'InstrForCdtrAgt*', 'InstrForDbtrAgt?', 'Purp?', 'RgltryRptg*', 'Tax?', 'RltdRmtInf*', 'RmtInf?', 'SplmtryData*'],
  PmtId: ['InstrId?', 'EndToEndId', 'UETR?'],
  Amt: ['InstdAmt|EqvtAmt'],
  ReqdExctnDt: ['Dt|DtTm'],
  DbtrAgt: ['FinInstnId', 'BrnchId?'],
  CdtrAgt: ['FinInstnId', 'BrnchId?'],
  FinInstnId: ['BICFI?', 'ClrSysMmbId?', 'LEI?', 'Nm?', 'PstlAdr?', 'Othr?'],
  ClrSysMmbId: ['ClrSysId?', 'MmbId'],
  ClrSysId: ['Cd|Prtry'],
  DbtrAcct: ['Id', 'Tp?', 'Ccy?', 'Nm?', 'Prxy?'],
  CdtrAcct: ['Id', 'Tp?', 'Ccy?', 'Nm?', 'Prxy?'],
  Dbtr: ['Nm?', 'PstlAdr?', 'Id?', 'CtryOfRes?', 'CtctDtls?'],
  Cdtr: ['Nm?', 'PstlAdr?', 'Id?', 'CtryOfRes?', 'CtctDtls?'],
  InitgPty: ['Nm?', 'PstlAdr?', 'Id?', 'CtryOfRes?', 'CtctDtls?'],
  RmtInf: ['Ustrd*', 'Strd*'],
  Othr: ['Id', 'SchmeNm?', 'Issr?'],
};

const max = (n: number) => (s: string) => s.length >= 1 && [...s].length <= n;
const LEAF: Record<string, (s: string, n: XmlNode) => boolean> = {
  MsgId: max(35),
  PmtInfId: max(35),
  InstrId: max(35),
  EndToEndId: max(35),
  CreDtTm: (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s),
  Dt: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  NbOfTxs: (s) => /^[0-9]{1,15}$/.test(s),
  CtrlSum: (s) => /^\d+(\.\d{1,17})?$/.test(s) && s.replace('.', '').length <= 18,
  InstdAmt: (s, n) => /^\d+(\.\d{1,5})?$/.test(s) && s.replace('.', '').length <= 18 && /^[A-Z]{3}$/.test(n.attrs.Ccy ?? ''),
  PmtMtd: (s) => ['CHK', 'TRF', 'TRA'].includes(s),
  BtchBookg: (s) => s === 'true' || s === 'false',
  ChrgBr: (s) => ['DEBT', 'CRED', 'SHAR', 'SLEV'].includes(s),
  Nm: max(140),
  Ustrd: max(140),
  MmbId: max(35),
  Cd: max(5),
  Ccy: (s) => /^[A-Z]{3}$/.test(s),
};

/** Problems with a parsed pain.001 document; empty when it fits the schema. */
export function pain001Problems(doc: XmlNode, path = ''): string[] {
  const here = `${path}/${doc.name}`;
  const seq = SEQ[doc.name];
  const out: string[] = [];
  if (doc.name === 'Id') {
    // Account Id is a choice of IBAN or Othr; Othr/Id is a Max34Text leaf.
    if (doc.children.length) {
      if (doc.children.length !== 1 || !['IBAN', 'Othr'].includes(doc.children[0].name)) out.push(`${here}: IBAN or Othr`);
    } else if (!max(34)(doc.text)) out.push(`${here}: Max34Text`);
  } else if (seq) {
    let i = 0;
    for (const item of seq) {
      const mult = /[?*+]$/.test(item) ? item.slice(-1) : '';
      const names = (mult ? item.slice(0, -1) : item).split('|');
      let n = 0;
      while (i < doc.children.length && names.includes(doc.children[i].name)) {
        i++;
        n++;
      }
      if ((mult === '' || mult === '+') && n === 0) out.push(`${here}: missing ${names.join('|')}`);
      if ((mult === '' || mult === '?') && n > 1) out.push(`${here}: ${names.join('|')} more than once`);
    }
    if (i < doc.children.length) out.push(`${here}: unexpected ${doc.children[i].name} (out of order or not allowed)`);
    if (doc.text) out.push(`${here}: text in a complex element`);
  } else if (LEAF[doc.name]) {
    if (doc.children.length) out.push(`${here}: a leaf has children`);
    else if (!LEAF[doc.name](doc.text, doc)) out.push(`${here}: "${doc.text}" is not a valid ${doc.name}`);
  } else {
    out.push(`${here}: not an element this schema knows`);
  }
  for (const c of doc.children) out.push(...pain001Problems(c, here));
  return out;
}
