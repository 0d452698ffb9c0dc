import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { apiDocs } from './openapi.ts';
import { currentUser, type AuthService } from './auth.ts';

const Login = z.strictObject({ user: z.string().min(1).max(64), password: z.string().min(1).max(200) });
const EnterpriseLogin = z.strictObject({ publicKey: z.string().regex(/^[0-9a-f]{64,130}$/), challenge: z.string(), signature: z.string().regex(/^[0-9a-f]+$/) });

export function authRoutes(auth: AuthService): Router {
  const r = new Router();
  // Always Secure: browsers accept Secure cookies on http://localhost, and anywhere else the
  // portal must be served over TLS (see deploy/). `cookies.secure` only lifts the library's
  // own refusal to set one when Koa itself sits behind plain HTTP on loopback or a TLS proxy.
  const setCookie = (ctx: Context, token: string) => {
    (ctx.cookies as any).secure = true;
    ctx.cookies.set(auth.cookieName, token, { httpOnly: true, sameSite: 'strict', secure: true, path: `/${auth.node.dept}`, overwrite: true });
  };

  apiDocs.add({ method: 'post', path: '/{dept}/api/auth/login', summary: 'Staff sign-in; sets an HttpOnly session cookie and returns a CSRF token.', body: Login });
  r.post('/auth/login', async (ctx) => {
    const b = Login.parse(ctx.request.body);
    const s = await auth.login(b.user, b.password);
    setCookie(ctx, s.token);
    ctx.body = { user: s.user, csrfToken: s.csrf };
  });

  apiDocs.add({ method: 'get', path: '/{dept}/api/auth/challenge', summary: 'A one-time challenge for an enterprise to sign.' });
  r.get('/auth/challenge', (ctx) => {
    ctx.body = auth.challenge();
  });

  apiDocs.add({ method: 'post', path: '/{dept}/api/auth/enterprise', summary: 'Enterprise sign-in with a signature over the challenge.', body: EnterpriseLogin });
  r.post('/auth/enterprise', async (ctx) => {
    const b = EnterpriseLogin.parse(ctx.request.body);
    const s = await auth.enterpriseLogin(b.publicKey, b.challenge, b.signature);
    setCookie(ctx, s.token);
    ctx.body = { user: s.user, csrfToken: s.csrf };
  });

  r.post('/auth/logout', async (ctx) => {
    const token = ctx.state.sessionToken as string | undefined;
    if (token) await auth.logout(token);
    (ctx.cookies as any).secure = true;
    ctx.cookies.set(auth.cookieName, '', { httpOnly: true, sameSite: 'strict', secure: true, path: `/${auth.node.dept}`, maxAge: 0 });
    ctx.body = { ok: true };
  });

  r.get('/auth/me', (ctx) => {
    ctx.body = { user: currentUser(ctx) };
  });

  return r;
}
