import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObjectType, printSchema } from 'graphql';
import { schema } from '../src/graphql/schema.js';

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
