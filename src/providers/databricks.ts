import { originOf, parseProviderHost, type ProviderModule } from './provider.js';

/**
 * Databricks workspace U2M OAuth: endpoints under /oidc/v1, RFC 8414 metadata at
 * /oidc/.well-known/oauth-authorization-server, PKCE always, secret in the POST body for
 * confidential apps and none for public apps; single-use refresh tokens may be enabled.
 */
const WORKSPACE_SUFFIXES = ['.cloud.databricks.com', '.azuredatabricks.net', '.gcp.databricks.com'];

export const databricks: ProviderModule = {
  id: 'DATABRICKS',
  template: 'databricks',
  displayName: 'Databricks',
  defaultScopes: ['all-apis', 'sql', 'offline_access', 'openid', 'profile', 'email'],
  requiresClientSecret: false,
  hostLabel: 'workspace host',
  normalizeHost: (input, policy) =>
    originOf(parseProviderHost(input, WORKSPACE_SUFFIXES, policy, 'cust-success.cloud.databricks.com')),
  endpoints: (hostUrl) => ({
    issuer: `${hostUrl}/oidc`,
    authorizationEndpoint: `${hostUrl}/oidc/v1/authorize`,
    tokenEndpoint: `${hostUrl}/oidc/v1/token`,
    metadataUrl: `${hostUrl}/oidc/.well-known/oauth-authorization-server`,
  }),
  clientAuthentication: 'client_secret_post',
  supportsOpenId: true,
  mayRotateRefreshTokens: true,
  defaultAccessTokenLifetimeSeconds: 3600,
};
