import { builder } from './builder.js';

/** Users, API keys and `me`. */
export const RoleEnum = builder.enumType('Role', { values: ['ADMIN', 'PUBLISHER', 'VIEWER', 'PLATFORM'] as const });

export const UserType = builder.prismaObject('User', {
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: RoleEnum }),
    accountId: t.exposeID('accountId'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ApiKeyType = builder.objectRef<{ id: string; name: string; createdAt: Date }>('ApiKey').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const CreatedApiKeyType = builder
  .objectRef<{ key: string; apiKey: { id: string; name: string; createdAt: Date } }>('CreatedApiKey')
  .implement({
    description: 'A new API key. `key` is shown only here, once; only its hash is stored.',
    fields: (t) => ({
      key: t.exposeString('key'),
      apiKey: t.field({ type: ApiKeyType, resolve: (created) => created.apiKey }),
    }),
  });

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    description: 'The user behind the API key (content keys have no user: FORBIDDEN).',
    authScopes: { user: true },
    resolve: (_query, _root, _args, { principal, services }) =>
      services.identity.user(principal!, principal!.kind === 'user' ? principal!.userId : ''),
  }),
);

builder.mutationFields((t) => ({
  createUser: t.prismaField({
    type: 'User',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_query, _root, { input }, { principal, services }) => services.identity.createUser(principal!, input),
  }),
  revokeApiKey: t.boolean({
    description: 'Revokes an API key at once (admins: any key of the account; others: their own).',
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { principal, services }) => services.identity.revokeApiKey(principal!, String(id)),
  }),
  createApiKey: t.field({
    type: CreatedApiKeyType,
    description: 'Admins create keys for any user of their account, others only for themselves.',
    authScopes: { user: true },
    args: { userId: t.arg.id({ required: true }), name: t.arg.string() },
    resolve: (_root, { userId, name }, { principal, services }) =>
      services.identity.createApiKey(principal!, String(userId), name),
  }),
}));
