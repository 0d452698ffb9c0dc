/**
 * The portal password policy: one object the node enforces when a password is set and serves at
 * `GET /<dept>/api/auth/password-policy`, so the portal shows (and pre-checks) the very same rule.
 * Pure and dependency-free: the portal imports this file as it is.
 */
export const PASSWORD_POLICY = Object.freeze({
  minLength: 12,
  maxLength: 200,
  /** of lowercase, uppercase, digits and other characters */
  minClasses: 3,
  /** a passphrase this long needs no mix of classes */
  passphraseLength: 16,
  notUserId: true,
  /** the most used passwords (and the demo's old one), compared without case */
  common: Object.freeze([
    '123456789012', '1234567890ab', 'qwertyuiop12', 'qwerty123456', 'password1234', 'password123!', 'password@123',
    'p@ssw0rd1234', 'passw0rd1234', 'admin1234567', 'admin@123456', 'administrator', 'abc123456789', 'abcd12345678',
    'a1234567890b', '1qaz2wsx3edc', '1q2w3e4r5t6y', 'zaq12wsxcde3', 'iloveyou1234', 'welcome12345', 'letmein12345',
    'changeme1234', 'woaini1314520', 'woaini123456', 'aa1234567890', 'qq1234567890', 'abcdefghijkl', 'Aa123456789!',
    'test-password', 'tongban12345', 'tongban@2026', 'P@ssword1234', 'Passw0rd!234', 'qwer1234!@#$', 'asdf1234!@#$',
  ]),
});
export type PasswordPolicy = typeof PASSWORD_POLICY;

/** Why a password is refused; the portal translates the code, the node sends both languages. */
export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'TOO_FEW_CLASSES' | 'EQUALS_USER_ID' | 'TOO_COMMON';

export const PASSWORD_PROBLEM_TEXT: Record<PasswordProblem, { zh: string; en: string }> = {
  TOO_SHORT: { zh: `口令至少 ${PASSWORD_POLICY.minLength} 位`, en: `a password needs at least ${PASSWORD_POLICY.minLength} characters` },
  TOO_LONG: { zh: `口令最多 ${PASSWORD_POLICY.maxLength} 位`, en: `a password has at most ${PASSWORD_POLICY.maxLength} characters` },
  TOO_FEW_CLASSES: {
    zh: `口令须含小写字母、大写字母、数字、其他字符中的至少 ${PASSWORD_POLICY.minClasses} 类，或长度不少于 ${PASSWORD_POLICY.passphraseLength} 位`,
    en: `a password needs ${PASSWORD_POLICY.minClasses} of lowercase, uppercase, digits and other characters, or at least ${PASSWORD_POLICY.passphraseLength} characters`,
  },
  EQUALS_USER_ID: { zh: '口令不能与用户名相同', en: 'a password may not equal the user id' },
  TOO_COMMON: { zh: '口令过于常见，请换一个', en: 'this password is among the most common ones; choose another' },
};

const CLASSES = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];

export const characterClasses = (password: string) => CLASSES.filter((re) => re.test(password)).length;

/** The first rule a password breaks for this user, or undefined when it satisfies the policy. */
export function passwordProblem(userId: string, password: string, p: PasswordPolicy = PASSWORD_POLICY): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < p.minLength) return 'TOO_SHORT';
  if (length > p.maxLength) return 'TOO_LONG';
  if (length < p.passphraseLength && characterClasses(password) < p.minClasses) return 'TOO_FEW_CLASSES';
  const lower = password.toLowerCase();
  if (p.notUserId && lower === userId.toLowerCase()) return 'EQUALS_USER_ID';
  if (p.common.some((c) => c.toLowerCase() === lower)) return 'TOO_COMMON';
  return undefined;
}
