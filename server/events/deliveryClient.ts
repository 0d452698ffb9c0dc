import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * POSTs webhook deliveries over node:http with kept-alive connections. A delivery is a small
 * body and a status code, and the WHATWG fetch around the same sockets (streams, abort signals,
 * header objects) cost more CPU than the rest of a delivery together, so it is not used here.
 * Redirects are not followed: a 3xx is an answer like any other non-2xx.
 */
export class DeliveryClient {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(maxSockets: number) {
    this.http = new HttpAgent({ keepAlive: true, maxSockets });
    this.https = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  /** The receiver's status code, once its whole answer is read; rejects on a network error or after `timeoutMs`. */
  post(url: string, headers: OutgoingHttpHeaders, body: string, timeoutMs: number): Promise<number> {
    const u = new URL(url);
    const secure = u.protocol === 'https:';
    const payload = Buffer.from(body);
    return new Promise<number>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        u,
        { method: 'POST', agent: secure ? this.https : this.http, headers: { ...headers, 'content-length': payload.length } },
        (res: IncomingMessage) => {
          res.on('error', fail);
          res.on('end', () => done(() => resolve(res.statusCode ?? 0)));
          res.resume();
        },
      );
      let settled = false;
      const timer = setTimeout(() => req.destroy(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      function done(then: () => void): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        then();
      }
      function fail(err: Error): void {
        done(() => reject(err));
      }
      req.on('error', fail);
      req.end(payload);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
