import * as client from 'openid-client';
import type { DataSource } from '../generated/prisma/client.js';
import type { AddressPolicy } from '../infra/address-policy.js';
import type { OutboundFetch } from '../infra/outbound-fetch.js';
import { outboundRefusalIn } from '../infra/outbound-refusals.js';
import { providerFor } from '../providers/index.js';
import { isLoopbackHost } from '../providers/provider.js';
import { AppError } from './errors.js';
import { providerRefusal } from './provider-refusal.js';

/**
 * openid-client Configurations for data sources. Endpoints come from the provider module (and from
 * the provider's RFC 8414 metadata where it publishes one), never from request input. Discovered
 * metadata must name the issuer we expect and keep every endpoint on the data source's own origin
 * (checklist A11, F11: no credentials POSTed to a host the admin did not configure).
 *
 * Every request of a Configuration (discovery included) goes through the guarded fetch for the data
 * source's address policy (infra/outbound-fetch.ts): the resolved address is checked at connect
 * time and redirects are refused, so a host that passed validation but later resolves to a private
 * address is still never reached.
 */
export interface OAuthClientOptions {
  /** Only for http://127.0.0.1 / localhost providers when ALLOW_HTTP_LOOPBACK_PROVIDERS is on. */
  allowHttpLoopback: boolean;
  timeoutMs: number;
  metadataTtlMs?: number;
  /** The guarded fetch for an address policy; every outbound OAuth request uses it. */
  fetchFor: (policy: AddressPolicy) => OutboundFetch;
}

interface CachedConfiguration {
  key: string;
  config: client.Configuration;
  expiresAt: number;
}


export class OAuthClients {
  private readonly cache = new Map<string, CachedConfiguration>();

  constructor(
    private readonly options: OAuthClientOptions,
    private readonly openSecret: (ds: DataSource) => string | undefined,
  ) {}

  /** The Configuration to talk to this data source's provider; cached until the row or metadata TTL changes. */
  async configuration(ds: DataSource): Promise<client.Configuration> {
    const key = `${ds.updatedAt.getTime()}:${ds.hostUrl}:${ds.clientId}`;
    const cached = this.cache.get(ds.id);
    if (cached && cached.key === key && cached.expiresAt > Date.now()) return cached.config;
    const config = await this.build(ds);
    this.cache.set(ds.id, { key, config, expiresAt: Date.now() + (this.options.metadataTtlMs ?? 10 * 60_000) });
    return config;
  }

  private async build(ds: DataSource): Promise<client.Configuration> {
    const provider = providerFor(ds.provider);
    const endpoints = provider.endpoints(ds.hostUrl);
    const secret = this.openSecret(ds);
    const auth = !secret
      ? client.None()
      : provider.clientAuthentication === 'client_secret_basic'
        ? client.ClientSecretBasic(secret)
        : client.ClientSecretPost(secret);
    const host = new URL(ds.hostUrl);
    const loopback = isLoopbackHost(host);
    const insecure = loopback && host.protocol === 'http:';
    if (insecure && !this.options.allowHttpLoopback) {
      throw new AppError('PROVIDER_MISCONFIGURED', 'This data source points at a loopback provider, which is disabled');
    }
    const clientMetadata: Partial<client.ClientMetadata> = { client_id: ds.clientId, ...(secret ? { client_secret: secret } : {}) };
    // Loopback-only for an allowed loopback test/demo provider, public addresses only for everything else.
    const policy: AddressPolicy = this.options.allowHttpLoopback && loopback ? 'loopback-only' : 'public-only';
    const fetch = this.options.fetchFor(policy);
    let config: client.Configuration;
    if (endpoints.metadataUrl) {
      try {
        config = await client.discovery(new URL(endpoints.metadataUrl), ds.clientId, clientMetadata, auth, {
          execute: insecure ? [client.allowInsecureRequests] : [],
          timeout: Math.ceil(this.options.timeoutMs / 1000),
          [client.customFetch]: fetch,
        });
      } catch (error) {
        const refusal = outboundRefusalIn(error);
        if (refusal) throw providerRefusal(refusal, provider.displayName);
        throw new AppError('PROVIDER_UNAVAILABLE', `Could not read the ${provider.displayName} OAuth metadata; try again later`, {
          retryAfterSeconds: 30,
        });
      }
      assertMetadataBelongs(config.serverMetadata(), endpoints.issuer, ds.hostUrl, provider.displayName);
      // OIDC lets a client skip the ID Token signature when TLS authenticated the token endpoint; we
      // verify it anyway where the provider publishes its keys (checklist A10): a token response
      // that did not come from the provider's signing key never becomes a stored grant.
      if (config.serverMetadata().jwks_uri) client.enableNonRepudiationChecks(config);
    } else {
      config = new client.Configuration(
        {
          issuer: endpoints.issuer,
          authorization_endpoint: endpoints.authorizationEndpoint,
          token_endpoint: endpoints.tokenEndpoint,
        },
        ds.clientId,
        clientMetadata,
        auth,
      );
      if (insecure) client.allowInsecureRequests(config);
    }
    config[client.customFetch] = fetch;
    config.timeout = Math.ceil(this.options.timeoutMs / 1000);
    return config;
  }
}

function assertMetadataBelongs(
  metadata: client.ServerMetadata,
  expectedIssuer: string,
  hostUrl: string,
  providerName: string,
): void {
  const origin = new URL(hostUrl).origin;
  const endpoints = [metadata.authorization_endpoint, metadata.token_endpoint, metadata.revocation_endpoint, metadata.jwks_uri];
  const foreign = endpoints.filter((e): e is string => typeof e === 'string').some((e) => new URL(e).origin !== origin);
  if (metadata.issuer !== expectedIssuer || foreign) {
    throw new AppError(
      'PROVIDER_MISCONFIGURED',
      `The ${providerName} OAuth metadata does not belong to ${hostUrl} (issuer or endpoints on another host)`,
    );
  }
}
