/**
 * The checks the verifier makes, in the words a reader of the result needs: what was checked,
 * and what a failure of it means. zh-CN first, English second.
 */
export const CHECKS = {
  manifest: { zh: '清单', en: 'manifest', meaningZh: '证据包的清单不可读或不完整，无法确定包内应有哪些文件。', meaningEn: 'The bundle’s list of contents is unreadable or incomplete, so what it should hold cannot be known.' },
  fileHash: { zh: '文件完整性', en: 'file integrity', meaningZh: '该文件在证据包生成后被改动、替换或删除过。', meaningEn: 'The file was changed, replaced or removed after the bundle was made.' },
  format: { zh: '规范格式', en: 'canonical form', meaningZh: '该文件不是出具节点写出的规范JSON，已被改动。', meaningEn: 'The file is not the canonical JSON the issuing node wrote: it was altered.' },
  genesis: { zh: '创世块', en: 'genesis', meaningZh: '创世配置与链的第0块不符，所有成员密钥的来源不可信。', meaningEn: 'The genesis does not match block 0, so the members’ keys it names cannot be trusted.' },
  headers: { zh: '区块头链接', en: 'header chaining', meaningZh: '区块头的哈希或前后链接不成立，账本历史在此处被改写过或不完整。', meaningEn: 'A block header’s hash or its link to the previous one does not hold: the history was rewritten or is incomplete here.' },
  governance: { zh: '成员密钥治理', en: 'membership governance', meaningZh: '成员变更或密钥轮换的治理记录不成立，无法确定当时有效的成员密钥。', meaningEn: 'A membership or key-rotation decision does not hold, so the member keys in force cannot be established.' },
  txId: { zh: '交易标识', en: 'transaction id', meaningZh: '交易内容与其标识（规范JSON的SHA-256）不符，内容被改动过。', meaningEn: 'The transaction’s content does not hash to its id (SHA-256 of canonical JSON): the content was altered.' },
  txSignature: { zh: '交易签名', en: 'transaction signature', meaningZh: '交易上的签名不是所称签名者作出的，不能证明由其提交。', meaningEn: 'The signature on the transaction is not the named signer’s: it does not show who submitted it.' },
  inclusion: { zh: '包含证明', en: 'inclusion proof', meaningZh: '该交易或其回执不在所称区块中，或区块中的结果与此不同。', meaningEn: 'The transaction or its receipt is not in the block it claims, or the block recorded a different outcome.' },
  certificate: { zh: '最终性证书', en: 'finality certificate', meaningZh: '没有超过三分之二成员部门以当时有效的密钥签署该区块，不能证明各部门认可这段历史。', meaningEn: 'More than two thirds of the member departments did not sign this block with the keys in force then: it is not shown that the departments agreed to this history.' },
  zk: { zh: '零知识证明', en: 'zero-knowledge proof', meaningZh: '隐私问询的证明不能以联盟采纳的验证密钥验证，答案不能视为已证明。', meaningEn: 'The privacy answer’s proof does not verify with the key the consortium adopted: the answer is not proven.' },
  sealed: { zh: '密封字段', en: 'sealed field', meaningZh: '解封的内容与链上承诺不符，不是当时密封的原文。', meaningEn: 'The opened content does not match the commitment on the chain: it is not what was sealed.' },
  material: { zh: '材料文件', en: 'material file', meaningZh: '材料文件与链上登记的哈希不符，不是当时提交的文件。', meaningEn: 'The material file does not match the hash on the chain: it is not the file that was filed.' },
  issuer: { zh: '出具节点签名', en: 'issuer’s signature', meaningZh: '清单不是由所称出具部门的节点以当时有效的密钥签署的。', meaningEn: 'The manifest was not signed by the named issuing department’s node with its key in force.' },
  otherNode: { zh: '与其他节点比对', en: 'against another node', meaningZh: '另一节点持有的区块头与证据包不同，出具节点的账本与其他部门不一致。', meaningEn: 'Another node holds different block headers: the issuing node’s ledger differs from the other departments’.' },
} as const;

export type CheckName = keyof typeof CHECKS;

export interface Failure {
  check: CheckName;
  file: string;
  /** what failed, in both languages */
  zh: string;
  en: string;
  meaningZh: string;
  meaningEn: string;
}

export class VerifyFailure extends Error {
  constructor(
    readonly check: CheckName,
    readonly file: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
  toFailure(): Failure {
    const c = CHECKS[this.check];
    return { check: this.check, file: this.file, zh: this.zh, en: this.en, meaningZh: c.meaningZh, meaningEn: c.meaningEn };
  }
}

export const fail = (check: CheckName, file: string, zh: string, en: string): never => {
  throw new VerifyFailure(check, file, zh, en);
};
