import http from 'node:http';
import { EXCHANGE_PATH, accessTokenIn, exchangeBody, exchangeHeaders } from './api.js';

/**
 * One request at a time over one kept-alive node:http connection, for latency targets (path 4b).
 * Throughput is driven by autocannon, but a latency of a few milliseconds timed with undici's fetch
 * carries the client's own cost: on this machine fetch took ~0.6–0.8 ms longer than node:http for
 * the same request to the node:http floor (bench/FINDINGS.md, path 4b), which is more than our
 * server's whole share of a cached exchange.
 */
export class TimingClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;

  constructor(serverUrl: string) {
    this.url = new URL(serverUrl);
  }

  /** ms for one credential exchange; throws unless it answers 200 with an access token. */
  async timeExchange(contentKey: string, sessionToken: string): Promise<number> {
    const body = exchangeBody(sessionToken);
    const started = performance.now();
    const { status, text } = await this.post(EXCHANGE_PATH, body, exchangeHeaders(contentKey));
    const elapsed = performance.now() - started;
    accessTokenIn(status, status === 200 ? (JSON.parse(text) as Record<string, unknown>) : {}, text);
    return elapsed;
  }

  close(): void {
    this.agent.destroy();
  }

  private post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}
