import type { TokenEndpointResponse } from 'openid-client';
import type { TokenSet } from './authorizations.js';

/** Maps a token endpoint response to what we keep; a missing expires_in gets the provider default. */
export function tokenSetFrom(response: TokenEndpointResponse, defaultLifetimeSeconds: number): TokenSet {
  const expiresIn = typeof response.expires_in === 'number' && response.expires_in > 0 ? response.expires_in : defaultLifetimeSeconds;
  const refreshExpiresIn = (response as { refresh_token_expires_in?: unknown }).refresh_token_expires_in;
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    expiresInSeconds: expiresIn,
    refreshTokenExpiresInSeconds: typeof refreshExpiresIn === 'number' ? refreshExpiresIn : undefined,
    scope: response.scope,
  };
}
