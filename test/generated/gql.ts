/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ListGrants($dataSourceId: ID!) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId) { userId status hasRefreshToken accessTokenExpiresAt }\n  }\n": typeof types.ListGrantsDocument,
    "\n  query PageGrants($dataSourceId: ID!, $first: Int, $after: ID) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId, first: $first, after: $after) { id userId }\n  }\n": typeof types.PageGrantsDocument,
    "mutation Purge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }": typeof types.PurgeDocument,
    "mutation RemoveForGrants($id: ID!) { removeDataSource(id: $id) }": typeof types.RemoveForGrantsDocument,
    "\n  subscription WatchGrants($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": typeof types.WatchGrantsDocument,
    "\n  mutation AuditAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n": typeof types.AuditAddSourceDocument,
    "\n  mutation AuditUpdateSource($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id } }\n": typeof types.AuditUpdateSourceDocument,
    "mutation AuditRemoveSource($id: ID!) { removeDataSource(id: $id) }": typeof types.AuditRemoveSourceDocument,
    "\n  mutation AuditCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": typeof types.AuditCreateContentDocument,
    "\n  mutation AuditAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.AuditAttachDocument,
    "\n  mutation AuditDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.AuditDetachDocument,
    "\n  mutation AuditContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": typeof types.AuditContentKeyDocument,
    "\n  mutation AuditCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": typeof types.AuditCreateUserDocument,
    "\n  mutation AuditCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"audited\") { key apiKey { id } } }\n": typeof types.AuditCreateKeyDocument,
    "mutation AuditRevokeKey($id: ID!) { revokeApiKey(id: $id) }": typeof types.AuditRevokeKeyDocument,
    "mutation AuditPurge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }": typeof types.AuditPurgeDocument,
    "\n  query AuditCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken } }\n": typeof types.AuditCredentialsDocument,
    "\n  query AuditEvents($first: Int, $after: String, $action: AuditAction, $dataSourceId: ID, $viewerId: ID) {\n    auditEvents(first: $first, after: $after, action: $action, dataSourceId: $dataSourceId, viewerId: $viewerId) {\n      events { id createdAt action actorType actorId dataSourceId contentId viewerId subjectId reason tokenFingerprint }\n      nextCursor\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  query AuthorizationUrl($sessionToken: String!, $dataSourceId: ID, $returnTo: String) {\n    viewerAuthorizationUrl(sessionToken: $sessionToken, dataSourceId: $dataSourceId, returnTo: $returnTo)\n  }\n": typeof types.AuthorizationUrlDocument,
    "\n  mutation SecDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.SecDetachDocument,
    "\n  mutation SecAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.SecAttachDocument,
    "\n  mutation SecCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": typeof types.SecCreateContentDocument,
    "\n  mutation SecContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": typeof types.SecContentKeyDocument,
    "\n  subscription CapiStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n": typeof types.CapiStatusDocument,
    "\n  subscription CapiAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": typeof types.CapiAdminEventsDocument,
    "\n  mutation CapiRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": typeof types.CapiRevokeDocument,
    "\n  query CapiDataSources { dataSources { id name clientId hasClientSecret hostUrl scopes redirectUri } }\n": typeof types.CapiDataSourcesDocument,
    "query Me { me { id email role accountId } }": typeof types.MeDocument,
    "\n  mutation CreateContent($input: CreateContentInput!) { createContent(input: $input) { id name url ownerId } }\n": typeof types.CreateContentDocument,
    "\n  mutation CreateContentApiKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": typeof types.CreateContentApiKeyDocument,
    "\n  mutation Attach($contentId: ID!, $dataSourceId: ID!) {\n    attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id name } }\n  }\n": typeof types.AttachDocument,
    "\n  mutation Detach($contentId: ID!, $dataSourceId: ID!) {\n    detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id } }\n  }\n": typeof types.DetachDocument,
    "\n  mutation MintKey($userId: ID!) { createApiKey(userId: $userId, name: \"temporary\") { key apiKey { id } } }\n": typeof types.MintKeyDocument,
    "mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) }": typeof types.RevokeKeyDocument,
    "query GetContent($id: ID!) { content(id: $id) { id name dataSources { id } } }": typeof types.GetContentDocument,
    "\n  mutation AddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n": typeof types.AddSourceDocument,
    "\n  mutation NewUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": typeof types.NewUserDocument,
    "\n  mutation NewKey($userId: ID!) { createApiKey(userId: $userId) { key } }\n": typeof types.NewKeyDocument,
    "\n  mutation AddDataSource($input: AddDataSourceInput!) {\n    addDataSource(input: $input) {\n      id name description provider clientId hasClientSecret hostUrl scopes redirectUri createdAt updatedAt\n    }\n  }\n": typeof types.AddDataSourceDocument,
    "\n  query ListDataSources { dataSources { id name provider hasClientSecret } }\n": typeof types.ListDataSourcesDocument,
    "\n  query GetDataSource($id: ID!) { dataSource(id: $id) { id name hostUrl scopes hasClientSecret } }\n": typeof types.GetDataSourceDocument,
    "\n  mutation UpdateDataSource($id: ID!, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, input: $input) { id name hostUrl scopes hasClientSecret clientId }\n  }\n": typeof types.UpdateDataSourceDocument,
    "\n  mutation RemoveDataSource($id: ID!) { removeDataSource(id: $id) }\n": typeof types.RemoveDataSourceDocument,
    "\n  mutation MemoRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": typeof types.MemoRevokeDocument,
    "\n  mutation MemoDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.MemoDetachDocument,
    "\n  mutation MemoContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": typeof types.MemoContentKeyDocument,
    "mutation MemoRevokeKey($id: ID!) { revokeApiKey(id: $id) }": typeof types.MemoRevokeKeyDocument,
    "\n  subscription SiblingStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { status } }\n": typeof types.SiblingStatusDocument,
    "\n  mutation ConnectHelperCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": typeof types.ConnectHelperCreateUserDocument,
    "\n  mutation ConnectHelperCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"helper\") { key } }\n": typeof types.ConnectHelperCreateKeyDocument,
    "\n  mutation ConnectHelperCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": typeof types.ConnectHelperCreateContentDocument,
    "\n  mutation ConnectHelperContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": typeof types.ConnectHelperContentKeyDocument,
    "\n  mutation ConnectHelperAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.ConnectHelperAttachDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email role }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation CreateApiKey($userId: ID!, $name: String) {\n    createApiKey(userId: $userId, name: $name) { key apiKey { id name createdAt } }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation FlowAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri } }\n": typeof types.FlowAddSourceDocument,
    "\n  mutation FlowCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": typeof types.FlowCreateContentDocument,
    "\n  mutation FlowAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": typeof types.FlowAttachDocument,
    "\n  mutation FlowContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": typeof types.FlowContentKeyDocument,
    "\n  mutation FlowSessionToken($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }\n": typeof types.FlowSessionTokenDocument,
    "\n  mutation FlowCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": typeof types.FlowCreateUserDocument,
    "\n  subscription Status($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl at }\n  }\n": typeof types.StatusDocument,
    "\n  subscription AdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": typeof types.AdminEventsDocument,
    "\n  query Credentials($sessionToken: String!, $dataSourceId: ID) {\n    oauthCredentials(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { accessToken tokenType expiresIn issuedTokenType dataSourceId }\n  }\n": typeof types.CredentialsDocument,
    "\n  subscription WsStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n": typeof types.WsStatusDocument,
    "\n  subscription WsAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl } }\n": typeof types.WsAdminEventsDocument,
    "\n  mutation WsRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": typeof types.WsRevokeDocument,
};
const documents: Documents = {
    "\n  query ListGrants($dataSourceId: ID!) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId) { userId status hasRefreshToken accessTokenExpiresAt }\n  }\n": types.ListGrantsDocument,
    "\n  query PageGrants($dataSourceId: ID!, $first: Int, $after: ID) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId, first: $first, after: $after) { id userId }\n  }\n": types.PageGrantsDocument,
    "mutation Purge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }": types.PurgeDocument,
    "mutation RemoveForGrants($id: ID!) { removeDataSource(id: $id) }": types.RemoveForGrantsDocument,
    "\n  subscription WatchGrants($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": types.WatchGrantsDocument,
    "\n  mutation AuditAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n": types.AuditAddSourceDocument,
    "\n  mutation AuditUpdateSource($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id } }\n": types.AuditUpdateSourceDocument,
    "mutation AuditRemoveSource($id: ID!) { removeDataSource(id: $id) }": types.AuditRemoveSourceDocument,
    "\n  mutation AuditCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": types.AuditCreateContentDocument,
    "\n  mutation AuditAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.AuditAttachDocument,
    "\n  mutation AuditDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.AuditDetachDocument,
    "\n  mutation AuditContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": types.AuditContentKeyDocument,
    "\n  mutation AuditCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": types.AuditCreateUserDocument,
    "\n  mutation AuditCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"audited\") { key apiKey { id } } }\n": types.AuditCreateKeyDocument,
    "mutation AuditRevokeKey($id: ID!) { revokeApiKey(id: $id) }": types.AuditRevokeKeyDocument,
    "mutation AuditPurge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }": types.AuditPurgeDocument,
    "\n  query AuditCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken } }\n": types.AuditCredentialsDocument,
    "\n  query AuditEvents($first: Int, $after: String, $action: AuditAction, $dataSourceId: ID, $viewerId: ID) {\n    auditEvents(first: $first, after: $after, action: $action, dataSourceId: $dataSourceId, viewerId: $viewerId) {\n      events { id createdAt action actorType actorId dataSourceId contentId viewerId subjectId reason tokenFingerprint }\n      nextCursor\n    }\n  }\n": types.AuditEventsDocument,
    "\n  query AuthorizationUrl($sessionToken: String!, $dataSourceId: ID, $returnTo: String) {\n    viewerAuthorizationUrl(sessionToken: $sessionToken, dataSourceId: $dataSourceId, returnTo: $returnTo)\n  }\n": types.AuthorizationUrlDocument,
    "\n  mutation SecDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.SecDetachDocument,
    "\n  mutation SecAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.SecAttachDocument,
    "\n  mutation SecCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": types.SecCreateContentDocument,
    "\n  mutation SecContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": types.SecContentKeyDocument,
    "\n  subscription CapiStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n": types.CapiStatusDocument,
    "\n  subscription CapiAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": types.CapiAdminEventsDocument,
    "\n  mutation CapiRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": types.CapiRevokeDocument,
    "\n  query CapiDataSources { dataSources { id name clientId hasClientSecret hostUrl scopes redirectUri } }\n": types.CapiDataSourcesDocument,
    "query Me { me { id email role accountId } }": types.MeDocument,
    "\n  mutation CreateContent($input: CreateContentInput!) { createContent(input: $input) { id name url ownerId } }\n": types.CreateContentDocument,
    "\n  mutation CreateContentApiKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": types.CreateContentApiKeyDocument,
    "\n  mutation Attach($contentId: ID!, $dataSourceId: ID!) {\n    attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id name } }\n  }\n": types.AttachDocument,
    "\n  mutation Detach($contentId: ID!, $dataSourceId: ID!) {\n    detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id } }\n  }\n": types.DetachDocument,
    "\n  mutation MintKey($userId: ID!) { createApiKey(userId: $userId, name: \"temporary\") { key apiKey { id } } }\n": types.MintKeyDocument,
    "mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) }": types.RevokeKeyDocument,
    "query GetContent($id: ID!) { content(id: $id) { id name dataSources { id } } }": types.GetContentDocument,
    "\n  mutation AddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n": types.AddSourceDocument,
    "\n  mutation NewUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": types.NewUserDocument,
    "\n  mutation NewKey($userId: ID!) { createApiKey(userId: $userId) { key } }\n": types.NewKeyDocument,
    "\n  mutation AddDataSource($input: AddDataSourceInput!) {\n    addDataSource(input: $input) {\n      id name description provider clientId hasClientSecret hostUrl scopes redirectUri createdAt updatedAt\n    }\n  }\n": types.AddDataSourceDocument,
    "\n  query ListDataSources { dataSources { id name provider hasClientSecret } }\n": types.ListDataSourcesDocument,
    "\n  query GetDataSource($id: ID!) { dataSource(id: $id) { id name hostUrl scopes hasClientSecret } }\n": types.GetDataSourceDocument,
    "\n  mutation UpdateDataSource($id: ID!, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, input: $input) { id name hostUrl scopes hasClientSecret clientId }\n  }\n": types.UpdateDataSourceDocument,
    "\n  mutation RemoveDataSource($id: ID!) { removeDataSource(id: $id) }\n": types.RemoveDataSourceDocument,
    "\n  mutation MemoRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": types.MemoRevokeDocument,
    "\n  mutation MemoDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.MemoDetachDocument,
    "\n  mutation MemoContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n": types.MemoContentKeyDocument,
    "mutation MemoRevokeKey($id: ID!) { revokeApiKey(id: $id) }": types.MemoRevokeKeyDocument,
    "\n  subscription SiblingStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { status } }\n": types.SiblingStatusDocument,
    "\n  mutation ConnectHelperCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": types.ConnectHelperCreateUserDocument,
    "\n  mutation ConnectHelperCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"helper\") { key } }\n": types.ConnectHelperCreateKeyDocument,
    "\n  mutation ConnectHelperCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": types.ConnectHelperCreateContentDocument,
    "\n  mutation ConnectHelperContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": types.ConnectHelperContentKeyDocument,
    "\n  mutation ConnectHelperAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.ConnectHelperAttachDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email role }\n  }\n": types.CreateUserDocument,
    "\n  mutation CreateApiKey($userId: ID!, $name: String) {\n    createApiKey(userId: $userId, name: $name) { key apiKey { id name createdAt } }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation FlowAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri } }\n": types.FlowAddSourceDocument,
    "\n  mutation FlowCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n": types.FlowCreateContentDocument,
    "\n  mutation FlowAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n": types.FlowAttachDocument,
    "\n  mutation FlowContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n": types.FlowContentKeyDocument,
    "\n  mutation FlowSessionToken($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }\n": types.FlowSessionTokenDocument,
    "\n  mutation FlowCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n": types.FlowCreateUserDocument,
    "\n  subscription Status($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl at }\n  }\n": types.StatusDocument,
    "\n  subscription AdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n": types.AdminEventsDocument,
    "\n  query Credentials($sessionToken: String!, $dataSourceId: ID) {\n    oauthCredentials(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { accessToken tokenType expiresIn issuedTokenType dataSourceId }\n  }\n": types.CredentialsDocument,
    "\n  subscription WsStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n": types.WsStatusDocument,
    "\n  subscription WsAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl } }\n": types.WsAdminEventsDocument,
    "\n  mutation WsRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n": types.WsRevokeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListGrants($dataSourceId: ID!) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId) { userId status hasRefreshToken accessTokenExpiresAt }\n  }\n"): (typeof documents)["\n  query ListGrants($dataSourceId: ID!) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId) { userId status hasRefreshToken accessTokenExpiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageGrants($dataSourceId: ID!, $first: Int, $after: ID) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId, first: $first, after: $after) { id userId }\n  }\n"): (typeof documents)["\n  query PageGrants($dataSourceId: ID!, $first: Int, $after: ID) {\n    dataSourceAuthorizations(dataSourceId: $dataSourceId, first: $first, after: $after) { id userId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Purge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }"): (typeof documents)["mutation Purge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RemoveForGrants($id: ID!) { removeDataSource(id: $id) }"): (typeof documents)["mutation RemoveForGrants($id: ID!) { removeDataSource(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchGrants($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"): (typeof documents)["\n  subscription WatchGrants($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n"): (typeof documents)["\n  mutation AuditAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditUpdateSource($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id } }\n"): (typeof documents)["\n  mutation AuditUpdateSource($id: ID!, $input: UpdateDataSourceInput!) { updateDataSource(id: $id, input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AuditRemoveSource($id: ID!) { removeDataSource(id: $id) }"): (typeof documents)["mutation AuditRemoveSource($id: ID!) { removeDataSource(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"): (typeof documents)["\n  mutation AuditCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation AuditAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation AuditDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"): (typeof documents)["\n  mutation AuditContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"): (typeof documents)["\n  mutation AuditCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AuditCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"audited\") { key apiKey { id } } }\n"): (typeof documents)["\n  mutation AuditCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"audited\") { key apiKey { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AuditRevokeKey($id: ID!) { revokeApiKey(id: $id) }"): (typeof documents)["mutation AuditRevokeKey($id: ID!) { revokeApiKey(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AuditPurge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }"): (typeof documents)["mutation AuditPurge($dataSourceId: ID!) { purgeDataSourceAuthorizations(dataSourceId: $dataSourceId) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken } }\n"): (typeof documents)["\n  query AuditCredentials($sessionToken: String!) { oauthCredentials(sessionToken: $sessionToken) { accessToken } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEvents($first: Int, $after: String, $action: AuditAction, $dataSourceId: ID, $viewerId: ID) {\n    auditEvents(first: $first, after: $after, action: $action, dataSourceId: $dataSourceId, viewerId: $viewerId) {\n      events { id createdAt action actorType actorId dataSourceId contentId viewerId subjectId reason tokenFingerprint }\n      nextCursor\n    }\n  }\n"): (typeof documents)["\n  query AuditEvents($first: Int, $after: String, $action: AuditAction, $dataSourceId: ID, $viewerId: ID) {\n    auditEvents(first: $first, after: $after, action: $action, dataSourceId: $dataSourceId, viewerId: $viewerId) {\n      events { id createdAt action actorType actorId dataSourceId contentId viewerId subjectId reason tokenFingerprint }\n      nextCursor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuthorizationUrl($sessionToken: String!, $dataSourceId: ID, $returnTo: String) {\n    viewerAuthorizationUrl(sessionToken: $sessionToken, dataSourceId: $dataSourceId, returnTo: $returnTo)\n  }\n"): (typeof documents)["\n  query AuthorizationUrl($sessionToken: String!, $dataSourceId: ID, $returnTo: String) {\n    viewerAuthorizationUrl(sessionToken: $sessionToken, dataSourceId: $dataSourceId, returnTo: $returnTo)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SecDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation SecDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SecAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation SecAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SecCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"): (typeof documents)["\n  mutation SecCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SecContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"): (typeof documents)["\n  mutation SecContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CapiStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n"): (typeof documents)["\n  subscription CapiStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CapiAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"): (typeof documents)["\n  subscription CapiAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CapiRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"): (typeof documents)["\n  mutation CapiRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CapiDataSources { dataSources { id name clientId hasClientSecret hostUrl scopes redirectUri } }\n"): (typeof documents)["\n  query CapiDataSources { dataSources { id name clientId hasClientSecret hostUrl scopes redirectUri } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me { me { id email role accountId } }"): (typeof documents)["query Me { me { id email role accountId } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateContent($input: CreateContentInput!) { createContent(input: $input) { id name url ownerId } }\n"): (typeof documents)["\n  mutation CreateContent($input: CreateContentInput!) { createContent(input: $input) { id name url ownerId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateContentApiKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"): (typeof documents)["\n  mutation CreateContentApiKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Attach($contentId: ID!, $dataSourceId: ID!) {\n    attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id name } }\n  }\n"): (typeof documents)["\n  mutation Attach($contentId: ID!, $dataSourceId: ID!) {\n    attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Detach($contentId: ID!, $dataSourceId: ID!) {\n    detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id } }\n  }\n"): (typeof documents)["\n  mutation Detach($contentId: ID!, $dataSourceId: ID!) {\n    detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id dataSources { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MintKey($userId: ID!) { createApiKey(userId: $userId, name: \"temporary\") { key apiKey { id } } }\n"): (typeof documents)["\n  mutation MintKey($userId: ID!) { createApiKey(userId: $userId, name: \"temporary\") { key apiKey { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) }"): (typeof documents)["mutation RevokeKey($id: ID!) { revokeApiKey(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query GetContent($id: ID!) { content(id: $id) { id name dataSources { id } } }"): (typeof documents)["query GetContent($id: ID!) { content(id: $id) { id name dataSources { id } } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n"): (typeof documents)["\n  mutation AddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NewUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"): (typeof documents)["\n  mutation NewUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation NewKey($userId: ID!) { createApiKey(userId: $userId) { key } }\n"): (typeof documents)["\n  mutation NewKey($userId: ID!) { createApiKey(userId: $userId) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddDataSource($input: AddDataSourceInput!) {\n    addDataSource(input: $input) {\n      id name description provider clientId hasClientSecret hostUrl scopes redirectUri createdAt updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AddDataSource($input: AddDataSourceInput!) {\n    addDataSource(input: $input) {\n      id name description provider clientId hasClientSecret hostUrl scopes redirectUri createdAt updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListDataSources { dataSources { id name provider hasClientSecret } }\n"): (typeof documents)["\n  query ListDataSources { dataSources { id name provider hasClientSecret } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetDataSource($id: ID!) { dataSource(id: $id) { id name hostUrl scopes hasClientSecret } }\n"): (typeof documents)["\n  query GetDataSource($id: ID!) { dataSource(id: $id) { id name hostUrl scopes hasClientSecret } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateDataSource($id: ID!, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, input: $input) { id name hostUrl scopes hasClientSecret clientId }\n  }\n"): (typeof documents)["\n  mutation UpdateDataSource($id: ID!, $input: UpdateDataSourceInput!) {\n    updateDataSource(id: $id, input: $input) { id name hostUrl scopes hasClientSecret clientId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveDataSource($id: ID!) { removeDataSource(id: $id) }\n"): (typeof documents)["\n  mutation RemoveDataSource($id: ID!) { removeDataSource(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MemoRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"): (typeof documents)["\n  mutation MemoRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MemoDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation MemoDetach($contentId: ID!, $dataSourceId: ID!) { detachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MemoContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"): (typeof documents)["\n  mutation MemoContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key apiKey { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation MemoRevokeKey($id: ID!) { revokeApiKey(id: $id) }"): (typeof documents)["mutation MemoRevokeKey($id: ID!) { revokeApiKey(id: $id) }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SiblingStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { status } }\n"): (typeof documents)["\n  subscription SiblingStatus($sessionToken: String!) { authorizationStatus(sessionToken: $sessionToken) { status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectHelperCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"): (typeof documents)["\n  mutation ConnectHelperCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectHelperCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"helper\") { key } }\n"): (typeof documents)["\n  mutation ConnectHelperCreateKey($userId: ID!) { createApiKey(userId: $userId, name: \"helper\") { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectHelperCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"): (typeof documents)["\n  mutation ConnectHelperCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectHelperContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"): (typeof documents)["\n  mutation ConnectHelperContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConnectHelperAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation ConnectHelperAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email role }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email role }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($userId: ID!, $name: String) {\n    createApiKey(userId: $userId, name: $name) { key apiKey { id name createdAt } }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($userId: ID!, $name: String) {\n    createApiKey(userId: $userId, name: $name) { key apiKey { id name createdAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri } }\n"): (typeof documents)["\n  mutation FlowAddSource($input: AddDataSourceInput!) { addDataSource(input: $input) { id redirectUri } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"): (typeof documents)["\n  mutation FlowCreateContent($input: CreateContentInput!) { createContent(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"): (typeof documents)["\n  mutation FlowAttach($contentId: ID!, $dataSourceId: ID!) { attachDataSource(contentId: $contentId, dataSourceId: $dataSourceId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"): (typeof documents)["\n  mutation FlowContentKey($contentId: ID!) { createContentApiKey(contentId: $contentId) { key } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowSessionToken($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }\n"): (typeof documents)["\n  mutation FlowSessionToken($contentId: ID!, $userId: ID!) { createUserSessionToken(contentId: $contentId, userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FlowCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"): (typeof documents)["\n  mutation FlowCreateUser($input: CreateUserInput!) { createUser(input: $input) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Status($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl at }\n  }\n"): (typeof documents)["\n  subscription Status($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl at }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"): (typeof documents)["\n  subscription AdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { userId status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Credentials($sessionToken: String!, $dataSourceId: ID) {\n    oauthCredentials(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { accessToken tokenType expiresIn issuedTokenType dataSourceId }\n  }\n"): (typeof documents)["\n  query Credentials($sessionToken: String!, $dataSourceId: ID) {\n    oauthCredentials(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { accessToken tokenType expiresIn issuedTokenType dataSourceId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WsStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n"): (typeof documents)["\n  subscription WsStatus($sessionToken: String!, $dataSourceId: ID) {\n    authorizationStatus(sessionToken: $sessionToken, dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WsAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl } }\n"): (typeof documents)["\n  subscription WsAdminEvents($dataSourceId: ID!) { dataSourceAuthorizationEvents(dataSourceId: $dataSourceId) { dataSourceId userId status authorizationUrl } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WsRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"): (typeof documents)["\n  mutation WsRevoke($dataSourceId: ID!, $userId: ID) { revokeAuthorization(dataSourceId: $dataSourceId, userId: $userId) }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;