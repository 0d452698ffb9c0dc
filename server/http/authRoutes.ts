import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ChainError, isChainError } from '../chain/errors.ts';
import { currentUser, type AuthService } from './auth.ts';
import { PASSWORD_POLICY } from '../../shared/passwordPolicy.ts';
import { RouteKit } from './routeKit.ts';

const Login = z.strictObject({ user: z.string().min(1).max(64), password: z.string().min(1).max(200) });
const ChangePassword = z.strictObject({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) });
const EnterpriseLogin = z.strictObject({ publicKey: z.string().regex(/^[0-9a-f]{64,130}$/), challenge: z.string(), signature: z.string().regex(/^[0-9a-f]+$/) });

export function authRoutes(auth: AuthService): Router {
  const r = new RouteKit();
  // A refusal that names a wait (a locked sign-in, a full challenge store) says it in Retry-After too.
  r.router.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (isChainError(e) && typeof e.data?.retryAfter === 'number') ctx.set('Retry-After', String(e.data.retryAfter));
      throw e;
    }
  });
  // Always Secure: browsers accept Secure cookies on http://localhost, and anywhere else the
  // portal must be served over TLS (see deploy/). `cookies.secure` only lifts the library's
  // own refusal to set one when Koa itself sits behind plain HTTP on loopback or a TLS proxy.
  const setCookie = (ctx: Context, token: string) => {
    (ctx.cookies as any).secure = true;
    ctx.cookies.set(auth.cookieName, token, { httpOnly: true, sameSite: 'strict', secure: true, path: `/${auth.node.dept}`, overwrite: true });
  };
  // A session this browser held before (another tab's, say) is replaced, not left behind.
  const signedIn = async (ctx: Context, s: { token: string; csrf: string; user: unknown }) => {
    const before = (ctx.state.sessionToken ?? ctx.state.staleSessionToken) as string | undefined;
    if (before) await auth.logout(before);
    setCookie(ctx, s.token);
    ctx.body = { user: s.user, csrfToken: s.csrf };
  };

  r.post('/auth/login', { summary: 'Staff sign-in; sets an HttpOnly session cookie and returns a CSRF token.', roles: 'public', body: Login }, async (ctx, { body }) => {
    await signedIn(ctx, await auth.login(body.user, body.password, ctx.ip));
  });

  r.get('/auth/challenge', { summary: 'A one-time challenge for an enterprise to sign.', roles: 'public' }, async (ctx) => {
    ctx.body = await auth.challenge(ctx.ip);
  });

  r.post('/auth/enterprise', { summary: 'Enterprise sign-in with a signature over the challenge.', roles: 'public', body: EnterpriseLogin }, async (ctx, { body }) => {
    await signedIn(ctx, await auth.enterpriseLogin(body.publicKey, body.challenge, body.signature, ctx.ip));
  });

  // With the CSRF token the session ends on the server too; without it only the cookie goes.
  r.post('/auth/logout', { summary: 'Sign out: always clears the session cookie; ends the session on the server when the CSRF token is sent.', roles: 'public' }, async (ctx) => {
    const token = ctx.state.sessionToken as string | undefined;
    if (token) await auth.logout(token);
    (ctx.cookies as any).secure = true;
    ctx.cookies.set(auth.cookieName, '', { httpOnly: true, sameSite: 'strict', secure: true, path: `/${auth.node.dept}`, maxAge: 0 });
    ctx.body = { ok: true };
  });

  // The CSRF token is bound to the HttpOnly cookie; handing it to a same-origin caller lets a
  // second tab (or a reload) act with the session (the double-submit pattern).
  r.get('/auth/me', { summary: 'The signed-in user and the session\'s CSRF token.', roles: 'public' }, (ctx) => {
    ctx.body = { user: currentUser(ctx), csrfToken: ctx.state.csrf as string };
  });

  // The portal asks this on every page load, signed in or not: "nobody" is an answer, not a 401.
  r.get('/auth/session', { summary: 'Who is signed in (user null when nobody is) and the session\'s CSRF token; always 200.', roles: 'public' }, (ctx) => {
    const u = ctx.state.user as ReturnType<typeof currentUser> | undefined;
    ctx.body = u ? { user: u, csrfToken: ctx.state.csrf as string } : { user: null, csrfToken: null };
  });

  // Enterprises sign in with keys, not passwords: this is for staff.
  r.post('/auth/password', { summary: 'Change one\'s own password (current and next, against the policy); every other session of the user on this node ends.', roles: 'signedIn', body: ChangePassword }, async (ctx, { user, body }) => {
    if (user.role === 'enterprise') throw new ChainError('NO_PASSWORD', '企业以密钥登录，没有口令 / an enterprise signs in with its key and has no password', { status: 400 });
    ctx.body = await auth.changePassword(user.id, body.current, body.next, ctx.state.sessionToken as string, ctx.ip);
  });

  r.get('/auth/password-policy', { summary: 'The password policy this node enforces (no session needed).', roles: 'public' }, (ctx) => {
    ctx.body = PASSWORD_POLICY;
  });

  return r.router;
}
