import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { FakeProviderStore } from './fake-provider-store.js';

/**
 * oidc-provider configuration for the two provider shapes our app talks to (see
 * docs/wire-compat.md "Providers as a client sees them"). Every default that oidc-provider marks
 * "you SHOULD/MUST change" is set explicitly, both to silence its notices and to make behaviour
 * independent of its dev defaults.
 */
export type Flavour = 'databricks' | 'snowflake';

export interface FakeClient {
  clientId: string;
  /** Omit for a public client (token_endpoint_auth_method none, PKCE only). */
  clientSecret?: string;
  redirectUris: string[];
}

export interface ConfigInput {
  flavour: Flavour;
  clients: FakeClient[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  rotateRefreshTokens: boolean;
  snowflakeRoles: string[];
  store: FakeProviderStore;
  /** Internal confidential client used by FakeProvider.introspect(); never handed to the app. */
  introspector: { clientId: string; clientSecret: string };
}

/** Paths relative to the provider mount (databricks is mounted under /oidc by the HTTP wrapper). */
export const ROUTES: Record<Flavour, Record<string, string>> = {
  databricks: {
    authorization: '/v1/authorize',
    token: '/v1/token',
    jwks: '/v1/keys',
    userinfo: '/v1/userinfo',
    introspection: '/v1/introspect',
    revocation: '/v1/revoke',
    end_session: '/v1/logout',
  },
  snowflake: {
    authorization: '/oauth/authorize',
    token: '/oauth/token-request',
    jwks: '/oauth/keys',
    userinfo: '/oauth/userinfo',
    introspection: '/oauth/introspect',
    revocation: '/oauth/revoke',
    end_session: '/oauth/logout',
  },
};

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'fake-provider-rs256', use: 'sig', alg: 'RS256' }] };
}

export function buildConfiguration(input: ConfigInput): Record<string, unknown> {
  const { flavour } = input;
  const databricks = flavour === 'databricks';
  const scopes = databricks
    ? ['openid', 'offline_access', 'all-apis', 'sql']
    : ['openid', 'refresh_token', ...input.snowflakeRoles.map((role) => `session:role:${role}`)];
  const clients = input.clients.map((c) => ({
    client_id: c.clientId,
    ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
    redirect_uris: c.redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: !c.clientSecret ? 'none' : databricks ? 'client_secret_post' : 'client_secret_basic',
  }));
  clients.push({
    client_id: input.introspector.clientId,
    client_secret: input.introspector.clientSecret,
    redirect_uris: [],
    grant_types: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  });

  return {
    adapter: input.store.adapterFactory,
    clients,
    jwks: signingKeys(),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: ROUTES[flavour],
    scopes,
    // email/profile scopes come from these claim groups (databricks asks for both).
    claims: databricks ? { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] } : { openid: ['sub'] },
    // Whatever login name is typed becomes the account id, so tests can be "alice" and "bob".
    findAccount: async (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: true, name: id, preferred_username: id }),
    }),
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true, allowedPolicy: async () => true },
      revocation: {
        enabled: databricks,
        allowedPolicy: async (_ctx: unknown, client: { clientId: string }, token: { clientId: string }) => token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      // Opaque access tokens, no resource-indicator audience games: the providers we mimic do neither.
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      // Neither provider offers PAR or DPoP; don't advertise them in metadata.
      pushedAuthorizationRequests: { enabled: false },
      dPoP: { enabled: false },
    },
    // Authorization code flow only (no implicit / hybrid), like both providers.
    responseTypes: ['code'],
    // Default only requires PKCE for public clients; both real providers require it for everyone here.
    pkce: { required: () => true },
    // Default ties refresh tokens to `offline_access`, which oidc-provider silently DROPS unless the
    // request carries prompt=consent. Databricks always issues one; Snowflake only for scope refresh_token.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }, code: { scopes: Set<string> }) =>
      client.grantTypeAllowed('refresh_token') && (databricks || code.scopes.has('refresh_token')),
    // Default: tokens without offline_access die with the provider-side browser session. Not so upstream.
    expiresWithSession: async () => false,
    rotateRefreshToken: input.rotateRefreshTokens,
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: () => input.accessTokenTtlSeconds,
      AuthorizationCode: () => 600,
      IdToken: () => 3600,
      Interaction: () => 3600,
      Session: () => 14 * 24 * 3600,
      Grant: () => input.refreshTokenTtlSeconds + 24 * 3600,
      // Refresh-token validity is fixed at first issue and does not slide on rotation (Snowflake's
      // OAUTH_REFRESH_TOKEN_VALIDITY; Databricks behaves alike): a rotated token keeps the remainder.
      RefreshToken: (ctx: { oidc?: { entities?: { RotatedRefreshToken?: { remainingTTL: number } } } } | undefined) =>
        ctx?.oidc?.entities?.RotatedRefreshToken?.remainingTTL ?? input.refreshTokenTtlSeconds,
    },
  };
}
