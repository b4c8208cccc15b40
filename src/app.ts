import { randomUUID } from 'node:crypto';
import type { Config } from './infra/config.js';
import { openDatabase, type Database, type OpenDatabaseOptions } from './infra/db.js';
import { MemoryEventBus } from './infra/events-memory.js';
import { PostgresEventBus } from './infra/events-postgres.js';
import { loadKeys, verifyKeyFingerprints, type ServerKeys } from './infra/keys.js';
import type { Logger } from './infra/logger.js';
import { createOutboundHttp, type OutboundHttpOptions } from './infra/outbound-fetch.js';
import { AttachmentResolver } from './core/attachments.js';
import { AuditLog } from './core/audit.js';
import { AuthorizationFlow } from './core/authorization-flow.js';
import { AuthorizationStore } from './core/authorizations.js';
import { ContentService } from './core/contents.js';
import { CredentialService } from './core/credentials.js';
import { OriginPolicy } from './core/origins.js';
import { RateLimits } from './core/rate-limits.js';
import { DataSourceService } from './core/data-sources.js';
import type { EventBus } from './core/events.js';
import { TokenFreshness } from './core/freshness.js';
import { scheduleMaintenance } from './core/maintenance.js';
import { IdentityService } from './core/identity.js';
import { IssuanceAudit } from './core/issuance-audit.js';
import { OAuthClients } from './core/oauth-client.js';
import { Refresher } from './core/refresh.js';
import { SessionTokenService } from './core/session-tokens.js';
import { ViewerAuthorizations } from './core/viewer-authorizations.js';

/**
 * The composition root: builds every service once from the parsed configuration and hands them to
 * the edge (HTTP, GraphQL, CLI). Nothing below this file reads the environment.
 */
export interface Services {
  config: Config;
  logger: Logger;
  db: Database;
  keys: ServerKeys;
  events: EventBus;
  instanceId: string;
  identity: IdentityService;
  dataSources: DataSourceService;
  contents: ContentService;
  sessions: SessionTokenService;
  flow: AuthorizationFlow;
  credentials: CredentialService;
  origins: OriginPolicy;
  /** Per-instance request budgets (checklist F9). */
  rateLimits: RateLimits;
  authorizations: ViewerAuthorizations;
  attachments: AttachmentResolver;
  /** The append-only audit log (checklist G5); tests replace its `insert` to force failures. */
  audit: AuditLog;
  /** Token custody (exposed for tests and operational tooling, e.g. to drop caches). */
  store: AuthorizationStore;
  close(): Promise<void>;
}

/** What the environment cannot express: objects handed in by the caller (tests inject a DNS resolver). */
export interface ServiceOptions {
  database?: OpenDatabaseOptions;
  /** Outbound OAuth traffic; `dnsLookup` replaces the system resolver behind the connect-time address check. */
  outbound?: OutboundHttpOptions;
}

export async function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<Services> {
  const keys = loadKeys(config);
  const db = await openDatabase(config, {
    onConnectionError: (error) => logger.warn({ code: (error as { code?: string }).code }, 'idle database connection failed'),
    ...options.database,
  });
  let events: EventBus;
  try {
    await verifyKeyFingerprints(db.prisma, keys.keyring);
    events = db.pool && config.databaseUrl ? await PostgresEventBus.start(db.pool, config.databaseUrl, logger) : new MemoryEventBus();
  } catch (error) {
    await db.close();
    throw error;
  }
  const { prisma } = db;
  const instanceId = config.instanceId ?? randomUUID();
  const cacheTtlMs = config.hotCacheTtlSeconds * 1000;
  const audit = new AuditLog(prisma, db.sql, keys.auditKey, logger);
  const identity = new IdentityService(prisma, audit, cacheTtlMs);
  const attachments = new AttachmentResolver(prisma, cacheTtlMs);
  const store = new AuthorizationStore(prisma, db.sql, keys.keyring, config.authorizationCacheTtlSeconds * 1000);
  const invalidate = () => {
    attachments.forget();
    store.forget();
  };
  const dataSources = new DataSourceService(prisma, keys.keyring, { allowHttpLoopback: config.allowHttpLoopbackProviders }, audit, invalidate);
  const origins = new OriginPolicy(prisma, config.publicUrl, config.allowedOrigins);
  const contents = new ContentService(prisma, identity, dataSources, audit, invalidate);
  const sessions = new SessionTokenService(prisma, keys.signingKey, config.publicUrl, config.sessionTokenTtlSeconds);
  // One guarded fetch per address policy for all OAuth traffic (checklist F11).
  const outbound = createOutboundHttp(options.outbound);
  const clients = new OAuthClients(
    { allowHttpLoopback: config.allowHttpLoopbackProviders, timeoutMs: config.providerTimeoutMs, fetchFor: outbound.fetchFor },
    (ds) => dataSources.clientSecretOf(ds),
  );
  const freshness = new TokenFreshness(config.tokenRefreshMarginSeconds);
  const rateLimits = new RateLimits(config.rateLimits, logger, db.kind === 'postgres' ? prisma : undefined);
  const flow = new AuthorizationFlow(prisma, keys.keyring, attachments, clients, store, events, config.publicUrl, logger, audit);
  const refresher = new Refresher(prisma, store, clients, events, instanceId, logger, freshness, audit);
  const credentials = new CredentialService(prisma, sessions, attachments, store, refresher, flow, freshness, origins, new IssuanceAudit(audit), rateLimits.exchanges);
  const authorizations = new ViewerAuthorizations(prisma, store, clients, events, flow, dataSources, logger, audit);
  // A status change made by another instance makes this instance's cached row stale.
  events.tap((event) => store.forget(event.dataSourceId, event.userId));
  const stopMaintenance = scheduleMaintenance(prisma, logger, { auditRetentionDays: config.auditRetentionDays });
  return {
    config,
    logger,
    db,
    keys,
    events,
    instanceId,
    identity,
    dataSources,
    contents,
    sessions,
    flow,
    credentials,
    origins,
    rateLimits,
    authorizations,
    attachments,
    audit,
    store,
    close: async () => {
      stopMaintenance();
      await events.close();
      await outbound.close();
      await db.close();
    },
  };
}
