import type { AuditPage } from '../core/audit.js';
import { AuditAction, AuditActorType } from '../generated/prisma/enums.js';
import { builder } from './builder.js';

/**
 * The audit log (checklist G5), read by account admins; rows carry ids and an HMAC, never a secret.
 * Enum values come from the Prisma enums, so the API cannot drift from what the table stores.
 */
const AuditActionEnum = builder.enumType('AuditAction', { values: Object.values(AuditAction) });
const AuditActorTypeEnum = builder.enumType('AuditActorType', { values: Object.values(AuditActorType) });

const AuditEventType = builder.prismaObject('AuditEvent', {
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    action: t.expose('action', { type: AuditActionEnum }),
    actorType: t.expose('actorType', { type: AuditActorTypeEnum }),
    actorId: t.exposeString('actorId', { nullable: true, description: 'User or content id; for SYSTEM, the instance id when known.' }),
    dataSourceId: t.exposeID('dataSourceId', { nullable: true }),
    contentId: t.exposeID('contentId', { nullable: true }),
    viewerId: t.exposeID('viewerId', { nullable: true }),
    subjectId: t.exposeID('subjectId', { nullable: true, description: 'The user or API key of USER_CREATED and API_KEY_* events.' }),
    reason: t.exposeString('reason', { nullable: true, description: 'What changed or why; never a secret.' }),
    tokenFingerprint: t.exposeString('tokenFingerprint', {
      nullable: true,
      description: 'Hex HMAC-SHA256 of the access token (equal tokens, equal fingerprints); never the token.',
    }),
  }),
});

const AuditEventPageType = builder.objectRef<AuditPage>('AuditEventPage').implement({
  fields: (t) => ({
    events: t.field({ type: [AuditEventType], description: 'Newest first.', resolve: (page) => page.events }),
    nextCursor: t.exposeString('nextCursor', { nullable: true, description: 'Pass as `after` for older events; null on the last page.' }),
  }),
});

builder.queryField('auditEvents', (t) =>
  t.field({
    type: AuditEventPageType,
    description: "The account's audit log, newest first (admins).",
    authScopes: { admin: true },
    args: {
      first: t.arg.int({ defaultValue: 50, description: 'At most 200.' }),
      after: t.arg.string(),
      action: t.arg({ type: AuditActionEnum }),
      dataSourceId: t.arg.id(),
      viewerId: t.arg.id(),
    },
    resolve: (_root, args, { principal, services }) =>
      services.audit.list(principal!, {
        ...args,
        dataSourceId: args.dataSourceId == null ? null : String(args.dataSourceId),
        viewerId: args.viewerId == null ? null : String(args.viewerId),
      }),
  }),
);
