import type { AuthorizationStatusEvent } from '../core/events.js';
import type { StatusSnapshot } from '../core/viewer-authorizations.js';
import { DeadlineTimers } from '../infra/deadline-timers.js';
import { builder } from './builder.js';

/**
 * The viewer side: session tokens, the authorization URL, credentials and live status.
 * Subscriptions run over graphql-ws (http/websocket.ts) with the same context and masking.
 */
const AuthorizationStatusEnum = builder.enumType('AuthorizationStatus', {
  values: ['NOT_AUTHORIZED', 'AUTHORIZED', 'REAUTHORIZATION_REQUIRED', 'REVOKED', 'DECLINED'] as const,
});

const AuthorizationStatusEventType = builder.objectRef<StatusSnapshot>('AuthorizationStatusEvent').implement({
  fields: (t) => ({
    dataSourceId: t.exposeID('dataSourceId'),
    userId: t.exposeID('userId'),
    status: t.field({ type: AuthorizationStatusEnum, resolve: (e) => e.status }),
    authorizationUrl: t.exposeString('authorizationUrl', {
      nullable: true,
      description: 'Where the viewer (re)authorizes; null when authorized and on admin streams.',
    }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

const OAuthCredentialsType = builder
  .objectRef<{ accessToken: string; tokenType: string; expiresIn: number; issuedTokenType: string; dataSourceId: string }>('OAuthCredentials')
  .implement({
    description: "The viewer's current provider access token (never a refresh token).",
    fields: (t) => ({
      accessToken: t.exposeString('accessToken'),
      tokenType: t.exposeString('tokenType'),
      expiresIn: t.exposeInt('expiresIn', { description: 'Seconds the token may be used (already reduced by the refresh margin).' }),
      issuedTokenType: t.exposeString('issuedTokenType'),
      dataSourceId: t.exposeID('dataSourceId'),
    }),
  });

builder.mutationFields((t) => ({
  createUserSessionToken: t.string({
    description: 'Mints the session token a hosting platform puts into viewer requests (PLATFORM keys and admins).',
    authScopes: { platform: true },
    args: { contentId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_root, { contentId, userId }, { principal, services }) =>
      services.sessions.create(principal!, String(contentId), String(userId)),
  }),
  revokeAuthorization: t.boolean({
    description: "Logs the caller out of a data source, or (admins) revokes any viewer's authorization.",
    authScopes: { user: true },
    args: { dataSourceId: t.arg.id({ required: true }), userId: t.arg.id() },
    resolve: (_root, { dataSourceId, userId }, { principal, services }) =>
      services.authorizations.revoke(principal!, String(dataSourceId), userId ? String(userId) : null),
  }),
}));

builder.queryFields((t) => ({
  viewerAuthorizationUrl: t.string({
    description: "A URL on this server that starts the viewer's login at the provider.",
    authScopes: { authenticated: true },
    args: { sessionToken: t.arg.string({ required: true }), dataSourceId: t.arg.id(), returnTo: t.arg.string() },
    resolve: async (_root, args, { principal, services }) => {
      const session = await services.credentials.viewerSession(principal!, args.sessionToken);
      return services.flow.authorizationUrl(session, args.dataSourceId ? String(args.dataSourceId) : null, args.returnTo);
    },
  }),
  oauthCredentials: t.field({
    type: OAuthCredentialsType,
    authScopes: { authenticated: true },
    args: { sessionToken: t.arg.string({ required: true }), dataSourceId: t.arg.id() },
    resolve: (_root, args, { principal, services, origin }) =>
      services.credentials.exchange(principal!, args.sessionToken, args.dataSourceId ? String(args.dataSourceId) : null, origin),
  }),
}));

builder.prismaObject('ViewerAuthorization', {
  description: "One viewer's grant at one data source (tokens are never exposed).",
  fields: (t) => ({
    id: t.exposeID('id'),
    dataSourceId: t.exposeID('dataSourceId'),
    userId: t.exposeID('userId'),
    status: t.field({ type: AuthorizationStatusEnum, resolve: (row) => row.status }),
    hasRefreshToken: t.boolean({ resolve: (row) => row.refreshTokenSealed !== null }),
    accessTokenExpiresAt: t.expose('accessTokenExpiresAt', { type: 'DateTime', nullable: true }),
    failureCount: t.exposeInt('failureCount'),
    lastError: t.exposeString('lastError', { nullable: true, description: 'Why the last refresh failed (never provider text).' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryField('dataSourceAuthorizations', (t) =>
  t.prismaField({
    type: ['ViewerAuthorization'],
    description:
      "Viewers' authorizations for one data source (admins), oldest first, `first` at a time (default 100, at most 1000); " +
      'pass the last id of a page as `after` for the next one.',
    authScopes: { admin: true },
    args: { dataSourceId: t.arg.id({ required: true }), first: t.arg.int({ defaultValue: 100 }), after: t.arg.id() },
    resolve: async (_query, _root, { dataSourceId, first, after }, { principal, services }) => {
      const dataSource = await services.dataSources.get(principal!, String(dataSourceId));
      return services.authorizations.list(principal!, { all: true, dataSourceId: dataSource.id, first, after: after ? String(after) : null });
    },
  }),
);

builder.mutationField('purgeDataSourceAuthorizations', (t) =>
  t.int({
    description: "Revokes every viewer's authorization for one data source (admins); returns how many.",
    authScopes: { admin: true },
    args: { dataSourceId: t.arg.id({ required: true }) },
    resolve: (_root, { dataSourceId }, { principal, services }) => services.authorizations.purge(principal!, String(dataSourceId)),
  }),
);

builder.subscriptionType({});

/** Ends each viewer subscription when its session token expires (timers shared per second). */
const sessionExpiries = new DeadlineTimers();

builder.subscriptionFields((t) => ({
  authorizationStatus: t.field({
    type: AuthorizationStatusEventType,
    description: "The viewer's current status first, then every change.",
    authScopes: { authenticated: true },
    args: { sessionToken: t.arg.string({ required: true }), dataSourceId: t.arg.id() },
    subscribe: async function* (_root, args, { principal, services }) {
      const session = await services.credentials.viewerSession(principal!, args.sessionToken);
      const dataSource = await services.attachments.resolve(session, args.dataSourceId ? String(args.dataSourceId) : null);
      // Subscribe before reading the snapshot so that no change falls between the two.
      const events = services.events.subscribe({ accountId: session.accountId, dataSourceId: dataSource.id, userId: session.userId });
      // The subscription lives no longer than the session token that opened it.
      const cancelExpiry = sessionExpiries.schedule(session.expiresAt, () => void events.return?.());
      try {
        yield await services.authorizations.snapshot(session, dataSource.id);
        for await (const event of events) {
          yield {
            ...toSnapshot(event),
            authorizationUrl: event.status === 'AUTHORIZED' ? null : await services.flow.createTransaction(session, dataSource),
          };
        }
      } finally {
        cancelExpiry();
        await events.return?.();
      }
    },
    resolve: (event: StatusSnapshot) => event,
  }),
  dataSourceAuthorizationEvents: t.field({
    type: AuthorizationStatusEventType,
    description: "Status changes of every viewer of one data source (admin dashboards).",
    authScopes: { admin: true },
    args: { dataSourceId: t.arg.id({ required: true }) },
    subscribe: async function* (_root, args, { principal, services }) {
      const dataSource = await services.dataSources.get(principal!, String(args.dataSourceId));
      const events = services.events.subscribe({ accountId: dataSource.accountId, dataSourceId: dataSource.id });
      try {
        for await (const event of events) yield toSnapshot(event);
      } finally {
        await events.return?.();
      }
    },
    resolve: (event: StatusSnapshot) => event,
  }),
}));

const toSnapshot = (event: AuthorizationStatusEvent): StatusSnapshot => ({
  dataSourceId: event.dataSourceId,
  userId: event.userId,
  status: event.status,
  authorizationUrl: null,
  at: event.at,
});
