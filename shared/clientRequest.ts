/**
 * How an integration client signs a read (the event feed, an inclusion proof): the header
 * `authorization: TongbanClient id=<client id>,t=<unix ms>,sig=<hex>`, where sig is the client's
 * signature, in the chain's suite, over `clientRequestText`. The text binds the chain, the
 * department, the method, the path with its query and the time, so a signature answers for one
 * request only; the node refuses it outside REQUEST_WINDOW_MS and a second time within it.
 * No Node-only code: the SDK and the node both use this file.
 */
export const CLIENT_AUTH_SCHEME = 'TongbanClient';
export const REQUEST_WINDOW_MS = 60_000;

export const clientRequestText = (chain: string, dept: string, id: string, method: string, pathAndQuery: string, t: number): string =>
  `tongban/client-request/v1:${chain}:${dept}:${id}:${method.toUpperCase()}:${pathAndQuery}:${t}`;

export const clientAuthHeader = (id: string, t: number, sig: string): string => `${CLIENT_AUTH_SCHEME} id=${id},t=${t},sig=${sig}`;

const HEADER = /^TongbanClient id=([a-z0-9][a-z0-9_.-]{1,23}),t=(\d{1,15}),sig=([0-9a-f]{64,256})$/;

/** The parts of a client's authorization header, or undefined when it is not one. */
export function parseClientAuth(header: string): { id: string; t: number; sig: string } | undefined {
  const m = HEADER.exec(header.trim());
  return m ? { id: m[1], t: Number(m[2]), sig: m[3] } : undefined;
}

export const isClientAuth = (header: string | undefined): boolean => !!header && header.trimStart().startsWith(`${CLIENT_AUTH_SCHEME} `);
