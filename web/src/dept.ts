/**
 * The portal is one build for every department; which one it is comes from the address
 * (`/market/...` → `market`). An empty string means the root, where the chooser lives.
 */
export function deptFromPath(pathname: string): string {
  const first = pathname.split('/').filter(Boolean)[0] ?? '';
  return /^[a-z][a-z0-9-]{1,31}$/.test(first) && first !== 'assets' && first !== 'api' ? first : '';
}

const loc = (globalThis as { location?: { pathname: string } }).location;

/** This page's department ('' outside a browser, or at the root). */
export const currentDept: string = loc ? deptFromPath(loc.pathname) : '';
