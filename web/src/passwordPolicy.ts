// The server's own password rule, so the form refuses exactly what the node would.
export { characterClasses, PASSWORD_POLICY, PASSWORD_PROBLEM_TEXT, passwordProblem, type PasswordProblem } from '@shared/passwordPolicy.ts';
