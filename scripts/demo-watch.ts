/**
 * Prints a viewer's authorization status as it changes, over the GraphQL subscription
 * `authorizationStatus` (graphql-ws on /graphql, authenticated by an API key in connectionParams).
 *   OI=http://127.0.0.1:3939 CONTENT_KEY=oik_… SESSION_TOKEN=… npx tsx scripts/demo-watch.ts
 */
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';

const { OI, CONTENT_KEY, SESSION_TOKEN } = process.env;
if (!OI || !CONTENT_KEY || !SESSION_TOKEN) {
  console.error('set OI, CONTENT_KEY and SESSION_TOKEN (see the walkthrough printed by npm run demo)');
  process.exit(2);
}
const client = createClient({
  url: `${OI.replace(/^http/, 'ws')}/graphql`,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Key ${CONTENT_KEY}` },
  retryAttempts: 0,
});
const query = 'subscription($t: String!) { authorizationStatus(sessionToken: $t) { status authorizationUrl at } }';
console.log('watching authorizationStatus (Ctrl-C to stop)…');
const stop = client.subscribe<{ authorizationStatus: { status: string; authorizationUrl: string | null; at: string } }>(
  { query, variables: { t: SESSION_TOKEN } },
  {
    next: ({ data, errors }) => {
      if (errors) console.error('error:', errors.map((e) => e.message).join('; '));
      const event = data?.authorizationStatus;
      if (event) console.log(`${event.at}  ${event.status}${event.authorizationUrl ? `  login: ${event.authorizationUrl}` : ''}`);
    },
    error: (error) => {
      console.error('subscription failed:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);
process.on('SIGINT', () => {
  stop();
  void client.dispose();
  process.exit(0);
});
