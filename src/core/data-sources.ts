import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DataSource } from '../generated/prisma/client.js';
import type { Keyring, SealContext } from '../infra/crypto.js';
import { providerFor, providerIds } from '../providers/index.js';
import { HostValidationError, type HostPolicy } from '../providers/provider.js';
import { actorOf, type AuditLog } from './audit.js';
import { AppError, badInput, forbidden, fromZodIssues, notFound } from './errors.js';
import { isAdmin, type Principal } from './principal.js';
import { isUniqueViolation } from './prisma-errors.js';

/**
 * The admin side of the product: data sources (an OAuth app registered at Databricks or Snowflake).
 * The client secret is write-only: sealed before it is written, opened only to call the provider,
 * and exposed to clients solely as `hasClientSecret`.
 */
const scopeToken = z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,200}$/, 'must be a space-free OAuth scope');
const scopes = z
  .array(z.string())
  .max(50)
  .transform((list) => list.flatMap((s) => s.split(/\s+/)).filter(Boolean))
  .pipe(z.array(scopeToken).max(50));

const fields = {
  name: z.string().trim().min(1, 'must not be empty').max(100),
  description: z.string().trim().max(2000),
  clientId: z.string().trim().min(1, 'must not be empty').max(500),
  clientSecret: z.string().min(1, 'must not be empty').max(4000),
  hostUrl: z.string().trim().min(1, 'must not be empty').max(500),
  scopes,
};
export const addDataSourceInput = z.strictObject({
  name: fields.name,
  description: fields.description.nullish(),
  provider: z.enum(providerIds as [string, ...string[]]),
  clientId: fields.clientId,
  clientSecret: fields.clientSecret.nullish(),
  hostUrl: fields.hostUrl,
  scopes: fields.scopes.nullish(),
});
export const updateDataSourceInput = z.strictObject({
  name: fields.name.nullish(),
  description: fields.description.nullish(),
  clientId: fields.clientId.nullish(),
  /** A new secret replaces the old one; `null` clears it (public Databricks apps). Absent keeps it. */
  clientSecret: fields.clientSecret.nullish(),
  hostUrl: fields.hostUrl.nullish(),
  scopes: fields.scopes.nullish(),
});

export const secretContext = (dataSourceId: string): SealContext => ({
  table: 'data_sources',
  column: 'client_secret',
  rowId: dataSourceId,
});

export class DataSourceService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: Keyring,
    private readonly hostPolicy: HostPolicy,
    private readonly audit: AuditLog,
    /** Drops hot-path caches that hold data sources, attachments or authorizations. */
    private readonly invalidate: () => void = () => {},
  ) {}

  async add(principal: Principal, raw: unknown): Promise<DataSource> {
    requireAdmin(principal);
    const parsed = addDataSourceInput.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'input');
    const input = parsed.data;
    const provider = providerFor(input.provider as DataSource['provider']);
    if (provider.requiresClientSecret && !input.clientSecret) {
      throw badInput('input.clientSecret', `is required for ${provider.displayName} data sources`);
    }
    const id = randomUUID();
    let created: DataSource;
    try {
      created = await this.prisma.dataSource.create({
        data: {
          id,
          accountId: principal.accountId,
          name: input.name,
          description: input.description ?? '',
          provider: provider.id,
          clientId: input.clientId,
          clientSecretSealed: input.clientSecret ? this.keyring.seal(input.clientSecret, secretContext(id)) : null,
          hostUrl: this.normalizeHost(provider.id, input.hostUrl),
          scopes: input.scopes?.length ? input.scopes : [...provider.defaultScopes],
        },
      });
    } catch (error) {
      throw mapConflict(error, input.name);
    }
    await this.audit.record({
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'DATA_SOURCE_CREATED',
      dataSourceId: id,
      reason: `${provider.id} ${created.hostUrl} scopes: ${created.scopes.join(' ')}`,
    });
    return created;
  }

  async update(principal: Principal, id: string, raw: unknown): Promise<DataSource> {
    requireAdmin(principal);
    const parsed = updateDataSourceInput.safeParse(raw);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'input');
    const input = parsed.data;
    const current = await this.get(principal, id);
    const provider = providerFor(current.provider);
    const clearsSecret = 'clientSecret' in (raw as object) && input.clientSecret === null;
    if (clearsSecret && provider.requiresClientSecret) {
      throw badInput('input.clientSecret', `is required for ${provider.displayName} data sources`);
    }
    let updated: DataSource;
    try {
      updated = await this.prisma.dataSource.update({
        where: { id: current.id },
        data: {
          name: input.name ?? undefined,
          description: input.description ?? undefined,
          clientId: input.clientId ?? undefined,
          clientSecretSealed: input.clientSecret
            ? this.keyring.seal(input.clientSecret, secretContext(current.id))
            : clearsSecret
              ? null
              : undefined,
          hostUrl: input.hostUrl ? this.normalizeHost(provider.id, input.hostUrl) : undefined,
          scopes: input.scopes?.length ? input.scopes : undefined,
        },
      });
      this.invalidate();
    } catch (error) {
      throw mapConflict(error, input.name ?? current.name);
    }
    await this.audit.record({
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'DATA_SOURCE_UPDATED',
      dataSourceId: current.id,
      reason: describeUpdate(current, updated, clearsSecret),
    });
    return updated;
  }

  /** Removing a data source removes its attachments and every viewer's authorization (cascade). */
  async remove(principal: Principal, id: string): Promise<boolean> {
    requireAdmin(principal);
    const current = await this.get(principal, id);
    await this.prisma.dataSource.delete({ where: { id: current.id } });
    this.invalidate();
    await this.audit.record({
      accountId: principal.accountId,
      actor: actorOf(principal),
      action: 'DATA_SOURCE_REMOVED',
      dataSourceId: current.id,
      reason: `name: ${current.name}`,
    });
    return true;
  }

  list(principal: Principal): Promise<DataSource[]> {
    return this.prisma.dataSource.findMany({ where: { accountId: principal.accountId }, orderBy: { name: 'asc' } });
  }

  /** Another account's id behaves exactly like an unknown id. */
  async get(principal: Principal, id: string): Promise<DataSource> {
    const found = z.uuid().safeParse(id).success
      ? await this.prisma.dataSource.findFirst({ where: { id, accountId: principal.accountId } })
      : null;
    if (!found) throw notFound('Data source');
    return found;
  }

  /** Opens the client secret for a provider call; never returned through the API. */
  clientSecretOf(dataSource: Pick<DataSource, 'id' | 'clientSecretSealed'>): string | undefined {
    return dataSource.clientSecretSealed
      ? this.keyring.open(dataSource.clientSecretSealed, secretContext(dataSource.id))
      : undefined;
  }

  private normalizeHost(providerId: DataSource['provider'], hostUrl: string): string {
    const provider = providerFor(providerId);
    try {
      return provider.normalizeHost(hostUrl, this.hostPolicy);
    } catch (error) {
      if (error instanceof HostValidationError) throw badInput('input.hostUrl', `${provider.hostLabel} ${error.message}`);
      throw error;
    }
  }
}

function requireAdmin(principal: Principal) {
  if (!isAdmin(principal)) throw forbidden('Only account admins can manage data sources');
}

/**
 * Names what an update changed (secrets by name only), with the new scopes and host in full: a
 * widened scope or a moved host is what an auditor looks for.
 */
function describeUpdate(before: DataSource, after: DataSource, clearedSecret: boolean): string {
  const changed: string[] = [];
  for (const field of ['name', 'description', 'clientId'] as const) if (before[field] !== after[field]) changed.push(field);
  if (before.clientSecretSealed !== after.clientSecretSealed) changed.push(clearedSecret ? 'clientSecret cleared' : 'clientSecret replaced');
  if (before.hostUrl !== after.hostUrl) changed.push(`hostUrl ${after.hostUrl}`);
  if (before.scopes.join(' ') !== after.scopes.join(' ')) changed.push(`scopes: ${after.scopes.join(' ')}`);
  return changed.length ? `changed ${changed.join('; ')}` : 'no change';
}

function mapConflict(error: unknown, name: string): unknown {
  return isUniqueViolation(error)
    ? new AppError('CONFLICT', `A data source named "${name}" already exists`, { field: 'input.name' })
    : error;
}
