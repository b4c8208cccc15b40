import { redirectUriFor } from '../infra/config.js';
import { providerFor } from '../providers/index.js';
import { builder, nullIfNotFound } from './builder.js';

/** Data sources: the admin side of the seed (an OAuth app registered at the provider). */
export const ProviderEnum = builder.enumType('Provider', { values: ['DATABRICKS', 'SNOWFLAKE'] as const });

export const DataSourceType = builder.prismaObject('DataSource', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    provider: t.expose('provider', { type: ProviderEnum }),
    clientId: t.exposeString('clientId'),
    hasClientSecret: t.boolean({
      description: 'The client secret is write-only; this says whether one is stored.',
      resolve: (ds) => ds.clientSecretSealed !== null,
    }),
    hostUrl: t.exposeString('hostUrl'),
    scopes: t.exposeStringList('scopes'),
    redirectUri: t.string({
      description: 'The one redirect URI to register in the OAuth app at the provider.',
      resolve: (_ds, _args, { services }) => redirectUriFor(services.config),
    }),
    defaultScopes: t.stringList({
      description: "The provider's default scopes, for admin forms.",
      resolve: (ds) => [...providerFor(ds.provider).defaultScopes],
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const AddDataSourceInput = builder.inputType('AddDataSourceInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string(),
    provider: t.field({ type: ProviderEnum, required: true }),
    clientId: t.string({ required: true }),
    clientSecret: t.string({ description: 'Write-only. Required for Snowflake; absent for Databricks public apps.' }),
    hostUrl: t.string({ required: true, description: 'Databricks workspace host or Snowflake account URL (https).' }),
    scopes: t.stringList({ description: "Defaults to the provider's default scopes." }),
  }),
});

const UpdateDataSourceInput = builder.inputType('UpdateDataSourceInput', {
  fields: (t) => ({
    name: t.string(),
    description: t.string(),
    clientId: t.string(),
    clientSecret: t.string({ description: 'Write-only. A value replaces the secret; null clears it; absent keeps it.' }),
    hostUrl: t.string(),
    scopes: t.stringList(),
  }),
});

builder.queryFields((t) => ({
  dataSources: t.prismaField({
    type: ['DataSource'],
    description: "The account's data sources (publishers pick from these to attach to content).",
    authScopes: { user: true },
    resolve: (_query, _root, _args, { principal, services }) => services.dataSources.list(principal!),
  }),
  dataSource: t.prismaField({
    type: 'DataSource',
    nullable: true,
    authScopes: { user: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_query, _root, { id }, { principal, services }) => nullIfNotFound(services.dataSources.get(principal!, String(id))),
  }),
}));

builder.mutationFields((t) => ({
  addDataSource: t.prismaField({
    type: 'DataSource',
    authScopes: { admin: true },
    args: { input: t.arg({ type: AddDataSourceInput, required: true }) },
    resolve: (_query, _root, { input }, { principal, services }) => services.dataSources.add(principal!, input),
  }),
  updateDataSource: t.prismaField({
    type: 'DataSource',
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateDataSourceInput, required: true }) },
    resolve: (_query, _root, { id, input }, { principal, services }) =>
      services.dataSources.update(principal!, String(id), input),
  }),
  removeDataSource: t.boolean({
    description: "Removes the data source, its attachments and every viewer's authorization.",
    authScopes: { admin: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { principal, services }) => services.authorizations.removeDataSource(principal!, String(id)),
  }),
}));
