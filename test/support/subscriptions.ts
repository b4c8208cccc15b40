import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/** A real graphql-ws client collecting every event of one subscription, with a way to await the next one. */
export interface Subscription<T> {
  events: T[];
  errors: unknown[];
  next(predicate?: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export function wsClient(serverUrl: string, apiKey?: string): Client {
  return createClient({
    url: `${serverUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: apiKey ? { authorization: `Key ${apiKey}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribe<T, V extends Record<string, unknown>>(
  client: Client,
  document: TypedDocumentNode<T, V>,
  variables: V,
): Subscription<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  let consumed = 0;
  const notify = () => waiters.splice(0).forEach((w) => w());
  const dispose = client.subscribe<T>(
    { query: print(document), variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push(result.data as T);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: notify,
    },
  );
  return {
    events,
    errors,
    async next(predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (consumed < events.length) {
          const event = events[consumed++]!;
          if (predicate(event)) return event;
        }
        if (errors.length > 0) throw new Error(`subscription error: ${JSON.stringify(errors)}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no matching subscription event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, remaining);
        });
      }
    },
    async close() {
      dispose();
    },
  };
}
