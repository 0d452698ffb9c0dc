import type { Genesis } from '../chain/schema.ts';
import type { MaterialEntry, TxRecord } from './bundleFormat.ts';
import type { LedgerTx, WhoActed } from './evidenceSource.ts';
import { SUBJECT_LABELS } from './subject.ts';

/** What each kind of operation is called in the report. Kinds without a name are shown as they are. */
const KIND_ZH: Record<string, string> = {
  'enterprise.register': '企业登记', 'enterprise.rotateKey': '企业更换密钥', 'filing.submit': '一表申报', 'filing.amend': '申报变更',
  'approval.apply': '审批申请', 'approval.decide': '审批决定', 'approval.supplement': '补正材料', 'dossier.view': '调阅企业档案',
  'inspection.plan': '检查计划', 'inspection.record': '检查记录', 'case.open': '执法立案', 'case.decide': '执法决定', 'case.close': '结案',
  'licence.revoke': '吊销证照', 'licence.import': '历史证照导入', 'credit.recompute': '信用评分重算', 'seal.share': '密封字段共享', 'privacy.ask': '隐私问询',
  'privacy.answer': '隐私问询回答（零知识证明）', 'privacy.decline': '拒绝回答问询', 'privacy.commit': '数据承诺', 'payout.publish': '发布政策',
  'payout.apply': '政策兑现申请', 'payout.review': '专家评审', 'payout.recuse': '专家回避', 'payout.decide': '兑现决定', 'payout.publicise': '公示',
  'payout.object': '公示异议', 'payout.resolve': '异议处理', 'payout.release': '公示期满可支付', 'payout.run': '支付批次', 'payout.runApprove': '支付批次复核通过', 'payout.runReject': '支付批次退回', 'payout.settle': '银行结算',
  'payout.advance': '流程推进', 'audit.view': '审计查阅', 'gov.propose': '治理提案', 'gov.approve': '治理批准', 'user.register': '人员登记', 'user.disable': '人员停用',
};

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const when = (ms: number | null) => (ms === null ? '—' : new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) + '（北京时间）');

export interface ReportRow {
  tx: LedgerTx;
  record: TxRecord;
  who: WhoActed | undefined;
  time: number | null;
  cert: number;
}

/** The human-readable account of a bundle, zh-CN: timeline, who did what, when, on what basis. */
export function renderReport(r: {
  subject: string;
  subjectKind: string;
  requester: { dept: string; id: string; role: string };
  purpose: string | null;
  chain: string;
  issuer: string;
  createdAt: number;
  genesis: Genesis;
  rows: ReportRow[];
  top: number;
  materials: MaterialEntry[];
  pdfNote?: string;
}): string {
  const deptName = (d: string | null) => (d ? (r.genesis.members.find((m) => m.dept === d)?.name ?? d) : '');
  const actor = (w: WhoActed | undefined) => {
    if (!w) return '—';
    if (w.enterprise) return `企业 ${esc(w.enterprise)}（自行签名）`;
    const person = w.actor ? `${esc(w.name ?? w.actor)}（${esc(w.actor)}，${esc(w.role)}）` : '节点自动';
    return `${esc(deptName(w.dept))} · ${person}`;
  };
  const rows = r.rows
    .map(({ tx, record, who, time, cert }, i) => {
      const status = tx.status === 'ok' ? '已生效' : `被拒绝（${esc(tx.code)}）`;
      const basis = who ? `角色 ${esc(who.role)}；合约允许：${esc(who.permitted.join('、') || '—')}` : '—';
      const content = record.tx ? '' : `<div class="muted">内容未提供：${esc(record.withheld)}</div>`;
      return `<tr><td>${i + 1}</td><td>${esc(when(time))}</td><td>${tx.height} / ${tx.index}</td><td>${esc(KIND_ZH[tx.kind] ?? tx.kind)}<div class="muted">${esc(tx.kind)}</div>${content}</td><td>${actor(who)}</td><td>${basis}</td><td>${status}</td><td>第 ${cert} 块证书</td><td class="mono">${esc(tx.id.slice(0, 16))}…</td></tr>`;
    })
    .join('\n');
  const materials = r.materials.length
    ? `<h2>材料文件</h2><table><tr><th>SHA-256</th><th>类型</th><th>大小</th><th>是否附带</th></tr>${r.materials
        .map((m) => `<tr><td class="mono">${esc(m.hash)}</td><td>${esc(m.type)}</td><td>${m.size} 字节</td><td>${m.included ? '已附带' : esc(m.why ?? '未附带')}</td></tr>`)
        .join('')}</table>`
    : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>电子证据报告 ${esc(r.subject)}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;font-size:13px}
h1{font-size:20px}h2{font-size:16px;margin-top:24px}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}th{background:#f3f3f3}
.muted{color:#777;font-size:11px}.mono{font-family:monospace;font-size:11px;word-break:break-all}
</style></head><body>
<h1>通办联盟链 电子证据报告</h1>
<table>
<tr><th>证据对象</th><td>${esc(SUBJECT_LABELS[r.subjectKind] ?? r.subjectKind)} ${esc(r.subject)}</td></tr>
<tr><th>出具节点</th><td>${esc(deptName(r.issuer))}（${esc(r.issuer)}）</td></tr>
<tr><th>申请人</th><td>${esc(deptName(r.requester.dept))} · ${esc(r.requester.id)}（${esc(r.requester.role)}）</td></tr>
<tr><th>查阅目的</th><td>${esc(r.purpose ?? '—')}</td></tr>
<tr><th>链</th><td>${esc(r.chain)}，最终性证书覆盖至第 ${r.top} 块</td></tr>
<tr><th>生成时间</th><td>${esc(when(r.createdAt))}（出具节点时钟，仅供参考）</td></tr>
</table>
<h2>时间线：谁在何时、依据何种权限做了什么</h2>
<p class="muted">时间为区块时间（排序服务记录，不取自任何节点的本地时钟）。每笔交易都附有签名、回执、区块头、包含证明及覆盖它的最终性证书，可用包内 verify.html 或 <code>npm run verify-evidence</code> 离线核验。</p>
<table><tr><th>#</th><th>时间</th><th>块高/序号</th><th>操作</th><th>操作者</th><th>依据</th><th>结果</th><th>最终性</th><th>交易标识</th></tr>
${rows}
</table>
${materials}
<h2>如何核验</h2>
<p>打开证据包中的 <b>verify.html</b>（无需联网），选择本ZIP文件；或运行 <code>npm run verify-evidence -- &lt;文件.zip&gt;</code>。核验通过说明：每个文件未被改动；每笔交易由所称签名者签署，且其结果记录在所称区块中；这些区块由超过三分之二的成员部门以当时有效的密钥签署确认。核验不能说明：链上未记录的线下事实，以及出具节点是否遗漏了与对象有关的交易（可与其他部门的节点比对）。</p>
${r.pdfNote ? `<p class="muted">${esc(r.pdfNote)}</p>` : ''}
</body></html>
`;
}
