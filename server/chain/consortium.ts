import { CHAIN_VERSION, DEFAULT_LIMITS } from './genesis.ts';
import type { Genesis, GenesisUser } from './schema.ts';
import { generateEncKey } from './sealing/envelope.ts';
import { suiteByName } from './suites/index.ts';

/** The departments of a city consortium, with their names in Chinese and English. */
export const CITY_DEPARTMENTS = [
  { dept: 'market', name: '市场监督管理局', nameEn: 'Market Regulation' },
  { dept: 'tax', name: '税务局', nameEn: 'Tax Bureau' },
  { dept: 'hrss', name: '人力资源和社会保障局', nameEn: 'Human Resources & Social Security' },
  { dept: 'housing', name: '住房和城乡建设委员会', nameEn: 'Housing & Construction' },
  { dept: 'enforcement', name: '城市管理综合行政执法局', nameEn: 'Urban Management & Enforcement' },
  { dept: 'econ', name: '经济和信息化局', nameEn: 'Economy & IT' },
  { dept: 'finance', name: '财政局', nameEn: 'Finance' },
  { dept: 'audit', name: '审计局', nameEn: 'Audit' },
  { dept: 'service', name: '政务服务中心', nameEn: 'Government Service Centre' },
] as const;

export interface ConsortiumKeys {
  genesis: Genesis;
  /** node private keys by department: secrets, kept outside the repository */
  nodeKeys: Record<string, string>;
  /**
   * X25519 private keys (hex) each department's node opens sealed fields with, oldest first: a
   * rotated-out key stays, so what was sealed to it stays readable by its department.
   */
  encKeys: Record<string, string[]>;
}

/**
 * A fresh consortium: one node key per department and an administrator per department.
 * Used by the key-generation command and by tests.
 */
export function createConsortium(opts: {
  chain: string;
  depts?: string[];
  suite?: 'ed25519' | 'sm2';
  time: number;
  limits?: Partial<Genesis['limits']>;
  users?: GenesisUser[];
  config?: Record<string, unknown>;
}): ConsortiumKeys {
  const suite = suiteByName(opts.suite ?? 'ed25519');
  const wanted = opts.depts ?? CITY_DEPARTMENTS.map((d) => d.dept);
  const nodeKeys: Record<string, string> = {};
  const encKeys: Record<string, string[]> = {};
  const members = wanted.map((dept) => {
    const known = CITY_DEPARTMENTS.find((d) => d.dept === dept);
    const kp = suite.generateKeyPair();
    nodeKeys[dept] = kp.privateKey;
    const ek = generateEncKey();
    encKeys[dept] = [ek.privateKey];
    return { dept, name: known?.name ?? dept, nameEn: known?.nameEn ?? dept, nodeKey: kp.publicKey, encKey: ek.publicKey };
  });
  const admins: GenesisUser[] = wanted.map((dept) => ({ dept, id: 'admin', name: `${members.find((m) => m.dept === dept)!.name}管理员`, role: 'admin' }));
  return {
    genesis: {
      chain: opts.chain,
      version: CHAIN_VERSION,
      suite: suite.name,
      time: opts.time,
      members,
      users: [...admins, ...(opts.users ?? [])],
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
      config: opts.config ?? {},
    },
    nodeKeys,
    encKeys,
  };
}
