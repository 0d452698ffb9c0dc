import { createPrivateKey, createPublicKey } from 'node:crypto';
import { sha256Hex } from '../../chain/hash.ts';
import { CREDIT_CODE_CHARS, withCheckChar } from '../../../shared/creditCode.ts';
import type { FilingDraft } from '../filingSeal.ts';

/**
 * Deterministic demo enterprises for 滨江市 (a made-up city): the same index always gives the
 * same code, key, name and profile, so seeding is repeatable and a restart finds what it made.
 * The keys are derived from a public label: demo only, never for real enterprises.
 */
const DISTRICTS = [
  { code: '330102', name: '江南区', roads: ['滨江大道', '江南路', '钱塘路', '望江路'] },
  { code: '330105', name: '临江区', roads: ['临江路', '港湾大道', '渔市街', '海晏路'] },
  { code: '330106', name: '高新区', roads: ['科创大道', '智慧路', '创业路', '云栖街'] },
  { code: '330108', name: '北湖区', roads: ['北湖路', '文渊路', '荷花街', '湖滨路'] },
  { code: '330110', name: '滨海新区', roads: ['滨海大道', '新城路', '港城街', '金沙路'] },
];

const TRADE_NAMES = [
  '恒泰', '华信', '鼎盛', '瑞丰', '金桥', '宏达', '新锐', '博远', '安平', '永安', '嘉禾', '天诚', '中联', '海川', '长青', '同创', '聚源', '蓝海', '智联', '德润',
  '明辉', '卓越', '正阳', '信达', '万通', '锦程', '九州', '东方', '星火', '润泽', '开元', '汇丰', '康宁', '鹏程', '华章', '广厦', '益民', '宝丰', '国泰', '富源',
];

export const INDUSTRIES = [
  { code: 'E47', name: '房屋建筑业', word: '建设工程', capital: [2000, 20000], staff: [60, 600], kind: 'construction' },
  { code: 'E48', name: '土木工程建筑业', word: '路桥工程', capital: [3000, 30000], staff: [80, 800], kind: 'construction' },
  { code: 'E50', name: '建筑装饰、装修和其他建筑业', word: '装饰工程', capital: [500, 5000], staff: [20, 200], kind: 'construction' },
  { code: 'K70', name: '房地产业', word: '置业', capital: [5000, 50000], staff: [30, 300], kind: 'construction' },
  { code: 'H62', name: '餐饮业', word: '餐饮管理', capital: [50, 500], staff: [8, 120], kind: 'food' },
  { code: 'H61', name: '住宿业', word: '酒店管理', capital: [300, 3000], staff: [20, 260], kind: 'food' },
  { code: 'C14', name: '食品制造业', word: '食品', capital: [500, 5000], staff: [30, 400], kind: 'food' },
  { code: 'F52', name: '零售业', word: '商贸', capital: [100, 1000], staff: [5, 80], kind: 'food' },
  { code: 'I65', name: '软件和信息技术服务业', word: '软件科技', capital: [100, 3000], staff: [10, 300], kind: 'other' },
  { code: 'G54', name: '道路运输业', word: '物流', capital: [300, 3000], staff: [20, 300], kind: 'other' },
  { code: 'C34', name: '通用设备制造业', word: '机械制造', capital: [1000, 10000], staff: [50, 500], kind: 'other' },
  { code: 'N77', name: '生态保护和环境治理业', word: '环保科技', capital: [300, 3000], staff: [15, 150], kind: 'other' },
] as const;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢';
const GIVEN = ['建国', '海燕', '志强', '丽华', '伟', '敏', '静', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '文博', '思远', '雨桐', '子涵', '浩然', '梓萱'];

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** ed25519 public key of a raw private key, through node:crypto (ten times faster than pure JS, for 10,000 keys). */
function publicKeyOf(privateKey: string): string {
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, Buffer.from(privateKey, 'hex')]), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12).toString('hex');
}

/** A small deterministic PRNG (mulberry32), so the demo city is the same on every fresh start. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoEnterprise {
  index: number;
  code: string;
  name: string;
  privateKey: string;
  publicKey: string;
  industry: (typeof INDUSTRIES)[number];
  district: (typeof DISTRICTS)[number];
  /** as the enterprise fills it in; sealed (approval/filingSeal.ts) before it is signed */
  profile: FilingDraft['profile'];
}

/** The organisation-code part: distinct for every index below 31^7 / 7919 (about 3.5 million). */
function orgCode(i: number): string {
  let n = i * 7919 + 104_729;
  let s = '';
  for (let k = 0; k < 7; k++, n = Math.floor(n / 31)) s = CREDIT_CODE_CHARS[n % 31] + s;
  return `MA${s}`;
}

export function demoEnterprise(i: number): DemoEnterprise {
  const rnd = prng(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const trade = TRADE_NAMES[i % TRADE_NAMES.length];
  const round = Math.floor(i / TRADE_NAMES.length);
  // For one trade name, rounds 0..11 get 12 different industries (5 is invertible mod 12); the
  // suffix separates the names after that.
  const industry = INDUSTRIES[((i % TRADE_NAMES.length) + 5 * round) % INDUSTRIES.length];
  const suffix = round >= INDUSTRIES.length ? `${Math.floor(round / INDUSTRIES.length) + 1}` : '';
  const district = DISTRICTS[i % DISTRICTS.length];
  const name = `滨江${trade}${industry.word}${suffix}有限公司`;
  const privateKey = sha256Hex(`tongban-demo/enterprise/${i}`);
  const rep = `${pick(SURNAMES.split(''))}${pick(GIVEN)}`;
  return {
    index: i,
    code: withCheckChar(`91${district.code}${orgCode(i)}`),
    name,
    privateKey,
    publicKey: publicKeyOf(privateKey),
    industry,
    district,
    profile: {
      name,
      legalRepresentative: rep,
      address: `滨江市${district.name}${pick(district.roads)}${between(1, 999)}号`,
      industry: { code: industry.code, name: industry.name },
      registeredCapitalFen: String(between(industry.capital[0], industry.capital[1]) * 1_000_000),
      employees: between(industry.staff[0], industry.staff[1]),
      contacts: [{ name: `${pick(SURNAMES.split(''))}${pick(GIVEN)}`, role: '经办人', phone: `1${pick(['38', '39', '58', '59', '86', '88'])}${String(between(0, 99_999_999)).padStart(8, '0')}` }],
    },
  };
}

/** A tiny, valid PDF standing in for the scanned business licence. */
export const demoLicencePdf = (e: DemoEnterprise): Buffer =>
  Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% business licence ${e.code}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
