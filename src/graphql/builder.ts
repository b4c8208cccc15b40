import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import { AppError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Services } from '../app.js';
import RoleGuardPlugin from './role-guard.js';

/**
 * The one Pothos builder: plugins, scalars and the typed context. Deny by default: every root field
 * declares `authScopes` (role-guard.ts; a test walks the schema and fails on a field without one).
 * Input validation is zod in the domain layer, shared with the REST surface.
 */
export interface GraphQLContext {
  principal: Principal | null;
  services: Services;
  /** The browser's `Origin` header on HTTP requests (absent for SDKs, servers and WebSockets). */
  origin?: string;
}

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [RoleGuardPlugin, PrismaPlugin],
  prisma: {
    client: (ctx) => ctx.services.db.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    onUnusedQuery: null,
  },
});

builder.scalarType('DateTime', {
  description: 'An ISO-8601 timestamp',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new AppError('BAD_USER_INPUT', 'Invalid DateTime');
    return date;
  },
});

builder.queryType({});
builder.mutationType({});

/** For nullable lookups by id: an unknown (or another account's) id reads as null, not an error. */
export async function nullIfNotFound<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}
