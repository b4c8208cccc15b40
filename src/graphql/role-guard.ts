import SchemaBuilder, {
  BasePlugin,
  type FieldNullability,
  type InputFieldMap,
  type PothosOutputFieldConfig,
  type SchemaTypes,
  type TypeParam,
} from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';
import { forbidden, unauthenticated } from '../core/errors.js';
import { hasRole, type Principal } from '../core/principal.js';

/**
 * Who may call a root field, as a Pothos plugin: `authScopes: { admin: true }` on the field, checked
 * against the caller's principal before the resolver (or, for a subscription, before it subscribes).
 * Deny by default: every root field declares its scope (a test walks the schema).
 *
 * Why our own and not @pothos/plugin-scope-auth: that plugin builds a per-request cache (five maps
 * and a WeakMap entry per context) before it evaluates any scope. Our scopes are one role check on
 * the principal, and on the GraphQL hot path that cache cost `oauthCredentials` ~20 µs of CPU per
 * request: path 2 went from 68–77% to 84–88% of `{ __typename }` in interleaved bench runs
 * (bench/FINDINGS.md).
 */
const SCOPES = {
  public: () => true,
  authenticated: (principal: Principal | null) => principal !== null,
  user: (principal: Principal | null) => principal?.kind === 'user',
  admin: (principal: Principal | null) => hasRole(principal, 'ADMIN'),
  publisher: (principal: Principal | null) => hasRole(principal, 'ADMIN', 'PUBLISHER'),
  platform: (principal: Principal | null) => hasRole(principal, 'ADMIN', 'PLATFORM'),
} satisfies Record<string, (principal: Principal | null) => boolean>;

/** The roles that may call a field; any one of them suffices. */
export type RoleScopes = { [scope in keyof typeof SCOPES]?: true };

const pluginName = 'roleGuard';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      roleGuard: RoleGuardPlugin<Types>;
    }
    interface FieldOptions<
      Types extends SchemaTypes = SchemaTypes,
      ParentShape = unknown,
      Type extends TypeParam<Types> = TypeParam<Types>,
      Nullable extends FieldNullability<Type> = FieldNullability<Type>,
      Args extends InputFieldMap = InputFieldMap,
      ResolveShape = unknown,
      ResolveReturnShape = unknown,
    > {
      /** Who may call this field (root fields must say). */
      authScopes?: RoleScopes;
    }
  }
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

export class RoleGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    // A subscription field is checked once, when it subscribes; its events are resolved afterwards.
    if (this.buildCache.getTypeConfig(fieldConfig.parentType).kind === 'Subscription') return resolver;
    return guarded(resolver, fieldConfig);
  }

  override wrapSubscribe(subscribe: Resolver<Types> | undefined, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> | undefined {
    return subscribe && guarded(subscribe, fieldConfig);
  }
}

function guarded<Types extends SchemaTypes>(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
  const scopes = (fieldConfig.pothosOptions as { authScopes?: RoleScopes }).authScopes;
  if (!scopes) return resolver;
  const checks = (Object.keys(scopes) as Array<keyof typeof SCOPES>).filter((scope) => scopes[scope]).map((scope) => SCOPES[scope]);
  return (parent, args, context, info) => {
    // The builder's context type (GraphQLContext) always carries the principal, null when anonymous.
    const { principal } = context as { principal: Principal | null };
    if (!checks.some((allows) => allows(principal))) {
      throw principal ? forbidden() : unauthenticated();
    }
    return resolver(parent, args, context, info);
  };
}

SchemaBuilder.registerPlugin(pluginName, RoleGuardPlugin);

export default pluginName;
