import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Next } from 'koa';
import { ChainError } from '../chain/errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

/**
 * Serves the built portal (web/dist) for every department: `/assets/*` as files, and any
 * other GET that is not an API path gets index.html, so the portal's router handles it. The
 * folder is found from this module, not the working directory, so the production build in
 * dist/ serves its own copy (dist/web/dist) wherever it is started from.
 */
export function portalMiddleware(dist = fileURLToPath(new URL('../../web/dist', import.meta.url))) {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (/^\/[a-z-]+\/api(\/|$)/.test(ctx.path) || ctx.path.startsWith('/api/')) return next();
    if (!existsSync(join(dist, 'index.html'))) {
      if (ctx.path === '/') {
        ctx.type = 'text/plain; charset=utf-8';
        ctx.body = 'Tongban 通办 node is running. The portal is not built yet: run `npm run build:web`.\n';
        return;
      }
      return next();
    }
    const rel = normalize(decodedPath(ctx.path)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, rel);
    if (file.startsWith(dist) && rel !== '/' && existsSync(file) && statSync(file).isFile()) {
      ctx.type = TYPES[extname(file)] ?? 'application/octet-stream';
      if (rel.startsWith('/assets/')) ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
      ctx.body = readFileSync(file);
      return;
    }
    ctx.type = TYPES['.html'];
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = readFileSync(join(dist, 'index.html'));
  };
}

/** The address's path decoded, or BAD_PATH for percent-encoding that decodes to nothing (`/%`, `/%E0%A4%A`) or to a NUL. */
function decodedPath(path: string): string {
  let out: string;
  try {
    out = decodeURIComponent(path);
  } catch {
    throw new ChainError('BAD_PATH', 'the address holds malformed percent-encoding');
  }
  if (out.includes('\0')) throw new ChainError('BAD_PATH', 'the address holds a NUL character');
  return out;
}
