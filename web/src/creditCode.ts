// The server's own GB 32100-2015 check, so the window's form refuses exactly what the chain would.
export { CREDIT_CODE_CHARS, creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from '@shared/creditCode.ts';
