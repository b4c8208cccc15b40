import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObjectType, printSchema, type GraphQLField, type GraphQLResolveInfo } from 'graphql';
import { schema } from '../src/graphql/schema.js';
import { AppError } from '../src/core/errors.js';
import type { Principal } from '../src/core/principal.js';

/** Guards on the schema itself: the checked-in SDL is fresh, every root field is guarded, no secret is readable. */
describe('schema', () => {
  it('matches the checked-in schema.graphql (run `npm run schema:print`)', () => {
    const checkedIn = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(checkedIn).toBe(`${printSchema(schema)}\n`);
  });

  it('declares authScopes on every root field (deny by default)', () => {
    const unguarded: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        const options = field.extensions?.pothosOptions as { authScopes?: unknown } | undefined;
        if (!options?.authScopes) unguarded.push(`${root!.name}.${field.name}`);
      }
    }
    expect(unguarded).toEqual([]);
  });

  it('refuses every root field to an anonymous caller, and admin fields to a viewer, before any resolver runs', () => {
    const viewer: Principal = { kind: 'user', accountId: 'a', userId: 'u', role: 'VIEWER', apiKeyId: 'k' };
    const refusal = (field: GraphQLField<unknown, unknown>, principal: Principal | null) => {
      // The guard runs first; `services` is empty, so a resolver that did run would fail differently.
      const run = field.subscribe ?? field.resolve!;
      try {
        run(undefined, {}, { principal, services: {} }, {} as GraphQLResolveInfo);
      } catch (error) {
        return error instanceof AppError ? error.code : String(error);
      }
      return 'not refused';
    };
    const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((root) =>
      Object.values(root?.getFields() ?? {}),
    );
    expect(fields.length).toBeGreaterThan(20);
    for (const field of fields) expect(refusal(field, null), field.name).toBe('UNAUTHENTICATED');
    const adminOnly = fields.filter((field) => (field.extensions?.pothosOptions as { authScopes?: object }).authScopes?.hasOwnProperty('admin'));
    expect(adminOnly.length).toBeGreaterThan(0);
    for (const field of adminOnly) expect(refusal(field, viewer), field.name).toBe('FORBIDDEN');
  });

  it('exposes no output field that could carry a secret', () => {
    const suspicious: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const name of Object.keys(type.getFields())) {
        // `has…` booleans (hasClientSecret, hasRefreshToken) say whether a secret exists, never what it is.
        if (/secret|refresh|verifier|sealed|hash/i.test(name) && !/^has[A-Z]/.test(name)) suspicious.push(`${type.name}.${name}`);
      }
    }
    expect(suspicious).toEqual([]);
  });
});
