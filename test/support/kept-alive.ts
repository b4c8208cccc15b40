import http from 'node:http';

export interface KeptAliveAnswer {
  status: number;
  json: any;
}

/**
 * POSTs over one kept-alive connection (an agent with a single socket), as posit-sdk's requests
 * session does, and records the local ports it used: a test can then show that every request
 * really went over the same connection (`ports.size === 1`).
 */
export function keptAliveClient(url: string, apiKey: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const ports = new Set<number>();
  const post = (contentType: string, body: string) =>
    new Promise<KeptAliveAnswer>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', agent, headers: { authorization: `Key ${apiKey}`, 'content-type': contentType } });
      request.on('socket', (socket) => socket.once('connect', () => ports.add(socket.localPort!)));
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, json: JSON.parse(text) }));
      });
      request.on('error', reject);
      request.end(body);
    });
  return { post, ports, close: () => agent.destroy() };
}
