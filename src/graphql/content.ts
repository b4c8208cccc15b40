import { builder, nullIfNotFound } from './builder.js';
import { DataSourceType } from './data-source.js';
import { CreatedApiKeyType } from './user.js';

/** Content (a publisher's deployed item), its API keys and attached data sources. */
builder.prismaObject('Content', {
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    url: t.exposeString('url', { nullable: true }),
    ownerId: t.exposeID('ownerId'),
    dataSources: t.field({
      type: [DataSourceType],
      resolve: async (content, _args, { services }) =>
        (await services.contents.attachments(content.id)).map((a) => a.dataSource),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CreateContentInput = builder.inputType('CreateContentInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    url: t.string({ description: "The content's origin; also the allowed `returnTo` origin after authorization." }),
  }),
});

builder.queryField('content', (t) =>
  t.prismaField({
    type: 'Content',
    nullable: true,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_query, _root, { id }, { principal, services }) => nullIfNotFound(services.contents.get(principal!, String(id))),
  }),
);

builder.mutationFields((t) => ({
  createContent: t.prismaField({
    type: 'Content',
    authScopes: { publisher: true },
    args: { input: t.arg({ type: CreateContentInput, required: true }) },
    resolve: (_query, _root, { input }, { principal, services }) => services.contents.create(principal!, input),
  }),
  createContentApiKey: t.field({
    type: CreatedApiKeyType,
    description: 'The key a hosting platform injects into the content as CONNECT_API_KEY.',
    authScopes: { publisher: true },
    args: { contentId: t.arg.id({ required: true }) },
    resolve: (_root, { contentId }, { principal, services }) =>
      services.contents.createApiKey(principal!, String(contentId)),
  }),
  attachDataSource: t.prismaField({
    type: 'Content',
    authScopes: { publisher: true },
    args: { contentId: t.arg.id({ required: true }), dataSourceId: t.arg.id({ required: true }) },
    resolve: (_query, _root, { contentId, dataSourceId }, { principal, services }) =>
      services.contents.attach(principal!, String(contentId), String(dataSourceId)),
  }),
  detachDataSource: t.prismaField({
    type: 'Content',
    authScopes: { publisher: true },
    args: { contentId: t.arg.id({ required: true }), dataSourceId: t.arg.id({ required: true }) },
    resolve: (_query, _root, { contentId, dataSourceId }, { principal, services }) =>
      services.contents.detach(principal!, String(contentId), String(dataSourceId)),
  }),
}));
