import { relative } from 'node:path';
import type { KeysProgress } from '../../shared/keysProgress.ts';
import { DEMO_STAFF } from '../demo/staff.ts';

export interface BannerFacts {
  url: string;
  /** the demo password, and where it is kept (or the variable it came from) */
  password?: { value: string; from: string };
  /** the enterprise's key file and name, the experts' key files (demo) */
  keyFiles?: { enterprise: string; enterpriseName: string; experts: string[] };
  keys: KeysProgress | null;
  firstStart: boolean;
}

/** Which demo user to try for each persona: role, the departments' users, and what there is to do. */
const PERSONAS: { label: string; role: string; note?: string }[] = [
  { label: 'clerk 窗口', role: 'clerk', note: 'registers enterprises' },
  { label: 'approver 审批', role: 'approver', note: 'worklist of applications' },
  { label: 'inspector 监管', role: 'inspector' },
  { label: 'enforcer 执法', role: 'enforcer' },
  { label: 'holder 数据', role: 'holder', note: 'answers privacy questions' },
  { label: 'policy officer 政策', role: 'policy' },
  { label: 'expert 专家', role: 'expert' },
  { label: 'finance 财务', role: 'finance', note: 'an award is payable' },
  { label: 'auditor 审计', role: 'auditor' },
];

/** One path with the user's part as <user> when the files differ only there. */
function expertFiles(files: string[]): string {
  const shape = files.map((f) => f.replace(/expert\d+\.json$/, '<user>.json'));
  return shape.every((x) => x === shape[0]) ? shape[0] : files.join(' or ');
}

/**
 * The lines a person reads when `npm start` is ready: where, with which password, and whom to
 * sign in as for each persona. Plain text, not log records.
 */
export function startBanner(f: BannerFacts): string[] {
  const rel = (file: string) => (relative(process.cwd(), file).startsWith('..') ? file : relative(process.cwd(), file));
  const users = (role: string) =>
    DEMO_STAFF.filter((s) => s.role === role)
      .map((s) => `${s.dept}/${s.id}`)
      .join(', ');
  const lines = ['', `Tongban 通办 is ready${f.firstStart ? ' (first start: demo city written)' : ''}: ${f.url}`];
  if (f.password) lines.push(`Demo password for every demo user: ${f.password.value}  (${f.password.from})`);
  lines.push('Sign in at <address><department>/ as (department/user):');
  const row = (label: string, who: string) => lines.push(`  ${label.padEnd(20)} ${who}`);
  if (f.keyFiles) row('enterprise 企业', `service/ 企业登录 → 导入 ${rel(f.keyFiles.enterprise)} (${f.keyFiles.enterpriseName}; passphrase: the demo password)`);
  for (const p of PERSONAS) {
    const note = p.role === 'expert' && f.keyFiles ? `评审密钥 → 导入 ${expertFiles(f.keyFiles.experts.map(rel))}` : p.note;
    row(p.label, `${users(p.role)}${note ? `  (${note})` : ''}`);
  }
  row('admin 管理员', 'admin in every department');
  if (f.keys) {
    const k = f.keys;
    lines.push(k.failed
      ? `Privacy-query keys: the build stopped (${k.failed}); run \`npx tsx circuits/build.ts\` and start again.`
      : `Privacy-query keys: being made in the background (${k.done}/${k.total}); privacy questions wait until they are adopted.`);
  }
  lines.push('');
  return lines;
}
