import { unzipSync, zipSync } from 'fflate';

/** The bundle's files as one ZIP; no node API, so the browser page opens it with the same code. */
export const zipFiles = (files: Map<string, Uint8Array>): Uint8Array => zipSync(Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))), { level: 6 });

export const unzipFiles = (zip: Uint8Array): Map<string, Uint8Array> => new Map(Object.entries(unzipSync(zip)).filter(([path]) => !path.endsWith('/')));
