/**
 * The public API as a client sees it: GraphQL over HTTP with `Authorization: Key <key>`, and the
 * credential exchange exactly as posit-sdk sends it (form body, content key, viewer session token).
 */
export const EXCHANGE_PATH = '/__api__/v1/oauth/integrations/credentials';

export const CREDENTIALS_QUERY =
  'query BenchCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken tokenType expiresIn issuedTokenType dataSourceId } }';
export const TYPENAME_QUERY = '{ __typename }';

export class ApiError extends Error {}

export async function gql<T>(serverUrl: string, query: string, variables: Record<string, unknown>, key?: string): Promise<T> {
  const response = await fetch(`${serverUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Key ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const parsed = JSON.parse(text) as { data?: T; errors?: unknown[] };
  if (parsed.errors?.length || !parsed.data) throw new ApiError(`GraphQL ${response.status}: ${text.slice(0, 500)}`);
  return parsed.data;
}

/** The form body posit-sdk sends. */
export function exchangeBody(sessionToken: string, audience?: string): string {
  return new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token_type: 'urn:posit:connect:user-session-token',
    subject_token: sessionToken,
    ...(audience ? { audience } : {}),
  }).toString();
}

export const exchangeHeaders = (contentKey: string) => ({
  authorization: `Key ${contentKey}`,
  'content-type': 'application/x-www-form-urlencoded',
});

export async function exchange(serverUrl: string, contentKey: string, sessionToken: string) {
  const response = await fetch(`${serverUrl}${EXCHANGE_PATH}`, {
    method: 'POST',
    headers: exchangeHeaders(contentKey),
    body: exchangeBody(sessionToken),
  });
  const text = await response.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    /* keep {} */
  }
  return { status: response.status, json, text };
}

/** The access token a viewer gets now; throws unless the exchange answers 200 with one. */
export async function accessTokenOf(serverUrl: string, contentKey: string, sessionToken: string): Promise<string> {
  const result = await exchange(serverUrl, contentKey, sessionToken);
  return accessTokenIn(result.status, result.json, result.text);
}

/** The access token of an exchange's answer; throws unless it is a 200 with one. */
export function accessTokenIn(status: number, json: Record<string, unknown>, text: string): string {
  if (status !== 200 || typeof json.access_token !== 'string') throw new ApiError(`exchange answered ${status}: ${text.slice(0, 300)}`);
  return json.access_token;
}

/** Runs work over items with at most `concurrency` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
  return results;
}
