import { databricks } from './databricks.js';
import { snowflake } from './snowflake.js';
import type { ProviderId, ProviderModule } from './provider.js';

/** The provider registry: the only place that knows which providers exist. */
export const providers: Readonly<Record<ProviderId, ProviderModule>> = {
  DATABRICKS: databricks,
  SNOWFLAKE: snowflake,
};

export const providerIds = Object.keys(providers) as ProviderId[];

export function providerFor(id: ProviderId): ProviderModule {
  return providers[id];
}

export function providerByTemplate(template: string): ProviderModule | undefined {
  return Object.values(providers).find((p) => p.template === template.toLowerCase());
}

export type { ProviderId, ProviderModule } from './provider.js';
