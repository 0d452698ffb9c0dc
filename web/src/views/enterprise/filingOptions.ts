/** GB/T 4754 industry classes the form offers, the paper categories, and the named cross-department checks. */
export const INDUSTRIES = [
  ['E47', '房屋建筑业', 'Building construction'],
  ['E48', '土木工程建筑业', 'Civil engineering'],
  ['E50', '建筑装饰、装修和其他建筑业', 'Building decoration and other construction'],
  ['K70', '房地产业', 'Real estate'],
  ['H61', '住宿业', 'Accommodation'],
  ['H62', '餐饮业', 'Catering'],
  ['C14', '食品制造业', 'Food manufacturing'],
  ['F52', '零售业', 'Retail'],
  ['I65', '软件和信息技术服务业', 'Software and IT services'],
  ['G54', '道路运输业', 'Road transport'],
  ['C34', '通用设备制造业', 'General equipment manufacturing'],
  ['N77', '生态保护和环境治理业', 'Environmental protection'],
] as const;

export const CATEGORIES = ['营业执照', '法定代表人身份证明', '场地使用证明', '资质证书', '其他材料'] as const;

/**
 * Each consent lets one department (the one that asks) check one figure another department holds;
 * the chain accepts a consent-based question only from the department named here. The purpose is
 * part of the signed consent. Checks a statute already allows (licence, enforcement record) need none.
 */
export const CHECKS = [
  { dept: 'housing', field: 'tax.paid', holder: 'tax', purpose: '工程建设审批资格核验' },
  { dept: 'housing', field: 'hrss.insured', holder: 'hrss', purpose: '工程建设审批资格核验' },
  { dept: 'econ', field: 'tax.paid', holder: 'tax', purpose: '惠企政策兑现资格核验' },
  { dept: 'econ', field: 'hrss.insured', holder: 'hrss', purpose: '惠企政策兑现资格核验' },
] as const;

export const consentKey = (c: { dept: string; field: string }) => `${c.dept}/${c.field}`;

export const TRUTHFUL = {
  id: 'truthful',
  title: '申报材料真实性承诺书',
  text: '本企业承诺所提交的全部材料真实、合法、有效，如有虚假，自愿承担相应法律责任并接受信用惩戒。',
} as const;

export const MATERIAL_TYPES: Record<string, 'pdf' | 'png' | 'jpeg'> = { 'application/pdf': 'pdf', 'image/png': 'png', 'image/jpeg': 'jpeg' };
export const MAX_MATERIAL_BYTES = 5 * 1024 * 1024;
/** What the file chooser offers: the same three types, by extension and by MIME type. */
export const MATERIAL_ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';
