import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HELD_REPLIES, endAtTurnEnd } from '../src/http/turn-end-replies.js';

/** A response that records what it was ended with (or throws), for the batching rules alone. */
function recordingReply(ended: string[], failing = false) {
  const destroyed: string[] = [];
  const res = {
    end: (body: string) => {
      if (failing) throw new Error('cannot end');
      ended.push(body);
    },
    destroy: (error?: Error) => destroyed.push(error?.message ?? ''),
  } as unknown as http.ServerResponse;
  return { res, destroyed };
}

const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GraphQL replies held to the end of the turn (src/http/turn-end-replies.ts)', () => {
  it('ends replies when the turn ends, in the order they were made', async () => {
    const ended: string[] = [];
    endAtTurnEnd(recordingReply(ended).res, 'first');
    endAtTurnEnd(recordingReply(ended).res, 'second');
    expect(ended).toEqual([]);
    await turnEnd();
    expect(ended).toEqual(['first', 'second']);
  });

  it(`lets no reply wait behind more than ${MAX_HELD_REPLIES - 1} others`, async () => {
    const ended: string[] = [];
    const bodies = Array.from({ length: MAX_HELD_REPLIES + 3 }, (_, i) => `reply ${i}`);
    for (const body of bodies) endAtTurnEnd(recordingReply(ended).res, body);
    expect(ended).toEqual(bodies.slice(0, MAX_HELD_REPLIES));
    await turnEnd();
    expect(ended).toEqual(bodies);
  });

  it('ends the rest of the batch when one reply cannot be ended, and destroys that one', async () => {
    const ended: string[] = [];
    const broken = recordingReply(ended, true);
    endAtTurnEnd(recordingReply(ended).res, 'before');
    endAtTurnEnd(broken.res, 'lost');
    endAtTurnEnd(recordingReply(ended).res, 'after');
    await turnEnd();
    expect(ended).toEqual(['before', 'after']);
    expect(broken.destroyed).toEqual(['cannot end']);
  });

  describe('on a real server', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        res.setHeader('content-type', 'text/plain');
        endAtTurnEnd(res, `reply to ${req.url}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('gives each of many concurrent requests, each on its own connection, its own reply', async () => {
      const agent = new http.Agent({ keepAlive: false });
      const get = (path: string) =>
        new Promise<string>((resolve, reject) => {
          http
            .get(url + path, { agent }, (response) => {
              let text = '';
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => (text += chunk));
              response.on('end', () => resolve(text));
            })
            .on('error', reject);
        });
      const paths = Array.from({ length: 64 }, (_, i) => `/request-${i}`);
      expect(await Promise.all(paths.map(get))).toEqual(paths.map((path) => `reply to ${path}`));
      agent.destroy();
    });

    it('answers requests pipelined on one connection in the order they came', async () => {
      const port = (server.address() as AddressInfo).port;
      const paths = ['/first', '/second', '/third'];
      const text = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () =>
          // One write: all three requests reach the server in the same turn.
          socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`).join('')),
        );
        let received = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          received += chunk;
          if (received.split('HTTP/1.1 200').length - 1 === paths.length && received.endsWith('reply to /third')) {
            socket.end();
            resolve(received);
          }
        });
        socket.on('error', reject);
      });
      const bodies = text.split('HTTP/1.1 200').slice(1).map((reply) => reply.slice(reply.indexOf('\r\n\r\n') + 4));
      expect(bodies).toEqual(paths.map((path) => `reply to ${path}`));
    });
  });
});
