import { originOf, parseProviderHost, type ProviderModule } from './provider.js';

/**
 * Snowflake OAuth (custom confidential security integration): /oauth/authorize and
 * /oauth/token-request, no discovery document, HTTP Basic client authentication, scope
 * `refresh_token` (plus `session:role:<ROLE>`), ~10 minute access tokens, optional single-use refresh
 * tokens, and error bodies that may carry `message` instead of `error_description`.
 */
export const snowflake: ProviderModule = {
  id: 'SNOWFLAKE',
  template: 'snowflake',
  displayName: 'Snowflake',
  defaultScopes: ['refresh_token'],
  requiresClientSecret: true,
  hostLabel: 'account URL',
  // Account identifiers may contain "_", which Snowflake's host names spell as "-".
  normalizeHost: (input, policy) =>
    originOf(
      parseProviderHost(input.replace(/_/g, '-'), ['.snowflakecomputing.com'], policy, 'myaccount.snowflakecomputing.com'),
    ),
  endpoints: (hostUrl) => ({
    issuer: hostUrl,
    authorizationEndpoint: `${hostUrl}/oauth/authorize`,
    tokenEndpoint: `${hostUrl}/oauth/token-request`,
  }),
  clientAuthentication: 'client_secret_basic',
  supportsOpenId: false,
  mayRotateRefreshTokens: true,
  defaultAccessTokenLifetimeSeconds: 600,
};
