import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import type { AuthorizationTransaction, DataSource, PrismaClient } from '../generated/prisma/client.js';
import { CALLBACK_PATH, redirectUriFor } from '../infra/config.js';
import { randomToken, sha256Base64Url, type Keyring } from '../infra/crypto.js';
import type { Logger } from '../infra/logger.js';
import { outboundRefusalIn } from '../infra/outbound-refusals.js';
import { providerFor } from '../providers/index.js';
import type { AttachmentResolver } from './attachments.js';
import type { AuditEntry, AuditLog } from './audit.js';
import type { AuthorizationStore } from './authorizations.js';
import { badInput } from './errors.js';
import type { EventBus } from './events.js';
import type { OAuthClients } from './oauth-client.js';
import { providerRefusal } from './provider-refusal.js';
import type { ViewerSession } from './session-tokens.js';
import { tokenSetFrom } from './token-response.js';

/**
 * The viewer's authorization-code flow (checklist A1-A10):
 * 1. `authorizationUrl` records a transaction keyed by hash(state), holding the sealed PKCE verifier,
 *    the nonce, the data source, its issuer, the viewer, the content and the checked return target.
 * 2. `start` (the viewer's browser opens our URL) claims the transaction once, binds it to the
 *    browser's cookie and redirects to the provider with state, PKCE S256 and nonce.
 * 3. `complete` (the callback) checks the state, the browser binding and the issuer, claims the
 *    transaction atomically before any token request, exchanges the code once and stores the grant.
 */
export const TRANSACTION_TTL_MS = 10 * 60_000;
export const START_PATH = '/v1/integrations/authorize';

export type CallbackOutcome =
  | { kind: 'authorized'; returnTo: string | null; contentName: string }
  | { kind: 'declined'; returnTo: string | null; contentName: string }
  | { kind: 'already-completed'; returnTo: string | null; contentName: string };

export class CallbackError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const verifierContext = (id: string) => ({ table: 'authorization_transactions', column: 'code_verifier', rowId: id });

export class AuthorizationFlow {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: Keyring,
    private readonly attachments: AttachmentResolver,
    private readonly clients: OAuthClients,
    private readonly store: AuthorizationStore,
    private readonly events: EventBus,
    private readonly publicUrl: string,
    private readonly logger: Logger,
    private readonly audit: AuditLog,
  ) {}

  /** Our URL that starts the flow for this viewer; the provider URL is only built when it is opened. */
  async authorizationUrl(session: ViewerSession, dataSourceId?: string | null, returnTo?: string | null): Promise<string> {
    const dataSource = await this.attachments.resolve(session, dataSourceId);
    return this.createTransaction(session, dataSource, returnTo);
  }

  async createTransaction(session: ViewerSession, dataSource: DataSource, returnTo?: string | null): Promise<string> {
    const content = await this.prisma.content.findUniqueOrThrow({ where: { id: session.contentId } });
    // Without an explicit target the viewer goes back to the content itself, when it has a URL.
    const checkedReturnTo = checkReturnTo(returnTo, content.url) ?? content.url;
    const provider = providerFor(dataSource.provider);
    const state = randomToken(32);
    const id = randomUUID();
    const wantsIdToken = provider.supportsOpenId && dataSource.scopes.includes('openid');
    await this.prisma.authorizationTransaction.create({
      data: {
        id,
        stateHash: sha256Base64Url(state),
        accountId: session.accountId,
        dataSourceId: dataSource.id,
        contentId: session.contentId,
        userId: session.userId,
        issuer: provider.endpoints(dataSource.hostUrl).issuer,
        codeVerifierSealed: this.keyring.seal(client.randomPKCECodeVerifier(), verifierContext(id)),
        nonce: wantsIdToken ? client.randomNonce() : null,
        returnTo: checkedReturnTo,
        expiresAt: new Date(Date.now() + TRANSACTION_TTL_MS),
      },
    });
    return `${this.publicUrl}${START_PATH}?state=${encodeURIComponent(state)}`;
  }

  /** Opened by the viewer's browser: binds the transaction to it (once) and returns the provider URL. */
  async start(state: string, browserBinding: string): Promise<string> {
    const stateHash = sha256Base64Url(state);
    const claimed = await this.prisma.authorizationTransaction.updateMany({
      where: { stateHash, startedAt: null, consumedAt: null, expiresAt: { gt: new Date() } },
      data: { startedAt: new Date(), browserBindingHash: sha256Base64Url(browserBinding) },
    });
    if (claimed.count !== 1) throw new CallbackError(400, 'This authorization link has expired or was already used. Go back to the content and try again.');
    const tx = await this.prisma.authorizationTransaction.findUniqueOrThrow({ where: { stateHash } });
    const dataSource = await this.prisma.dataSource.findUnique({ where: { id: tx.dataSourceId } });
    if (!dataSource) throw new CallbackError(400, 'This data source no longer exists.');
    const config = await this.clients.configuration(dataSource);
    const verifier = this.keyring.open(tx.codeVerifierSealed, verifierContext(tx.id));
    const params: Record<string, string> = {
      redirect_uri: redirectUriFor({ publicUrl: this.publicUrl }),
      response_type: 'code',
      scope: dataSource.scopes.join(' '),
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    if (tx.nonce) params.nonce = tx.nonce;
    // offline_access is only honoured with an explicit consent prompt (OpenID Core 11).
    if (dataSource.scopes.includes('offline_access')) params.prompt = 'consent';
    return client.buildAuthorizationUrl(config, params).href;
  }

  /** The callback. Throws CallbackError (status + human message) for every rejected request. */
  async complete(rawQuery: string, browserBinding: string | undefined): Promise<CallbackOutcome> {
    const query = new URLSearchParams(rawQuery);
    for (const name of new Set(query.keys())) {
      if (query.getAll(name).length > 1) throw new CallbackError(400, `The "${name}" parameter must be sent once.`);
    }
    if (query.has('id_token') || query.has('token') || query.has('access_token')) {
      throw new CallbackError(400, 'Only the authorization code flow is supported.');
    }
    const state = query.get('state');
    if (!state) throw new CallbackError(400, 'The authorization response has no state.');
    const tx = await this.prisma.authorizationTransaction.findUnique({ where: { stateHash: sha256Base64Url(state) } });
    if (!tx || !tx.startedAt || tx.expiresAt.getTime() < Date.now()) {
      throw new CallbackError(400, 'This authorization is unknown or has expired. Go back to the content and try again.');
    }
    if (!browserBinding || !tx.browserBindingHash || sha256Base64Url(browserBinding) !== tx.browserBindingHash) {
      throw new CallbackError(400, 'This authorization was started in another browser. Start again from the content.');
    }
    const content = await this.prisma.content.findUnique({ where: { id: tx.contentId } });
    const outcomeBase = { returnTo: tx.returnTo, contentName: content?.name ?? 'the content' };
    // Single use, claimed before any token request: a replayed or duplicated callback never exchanges twice.
    const claimed = await this.prisma.authorizationTransaction.updateMany({
      where: { id: tx.id, consumedAt: null },
      data: { consumedAt: new Date() },
    });
    if (claimed.count !== 1) return { kind: 'already-completed', ...outcomeBase };

    const iss = query.get('iss');
    if (iss !== null && iss !== tx.issuer) {
      throw new CallbackError(400, 'The authorization response came from an unexpected issuer.');
    }
    const ids = { accountId: tx.accountId, dataSourceId: tx.dataSourceId, userId: tx.userId };
    // The viewer acted at the provider, on behalf of this content.
    const audited: Omit<AuditEntry, 'action'> = {
      accountId: tx.accountId,
      actor: { type: 'VIEWER', id: tx.userId },
      dataSourceId: tx.dataSourceId,
      contentId: tx.contentId,
      viewerId: tx.userId,
    };
    const error = query.get('error');
    if (error) {
      if (error === 'access_denied') {
        await this.store.recordDeclined(ids);
        await this.events.publish({ ...ids, status: 'DECLINED', at: new Date() });
        await this.audit.record({ ...audited, action: 'AUTHORIZATION_DECLINED', reason: 'access_denied' });
        return { kind: 'declined', ...outcomeBase };
      }
      throw new CallbackError(400, 'The provider could not authorize this request. Start again from the content.');
    }
    if (!query.get('code')) throw new CallbackError(400, 'The authorization response has no code.');

    const tokens = await this.exchange(tx, query);
    await this.store.saveGrant(ids, tokens);
    // Status events first: subscribers and other instances' caches must hear of the change even if
    // the audit insert then fails (and fails the callback).
    await this.events.publish({ ...ids, status: 'AUTHORIZED', at: new Date() });
    await this.audit.record({ ...audited, action: 'VIEWER_AUTHORIZED', tokenFingerprint: this.audit.fingerprint(tokens.accessToken) });
    return { kind: 'authorized', ...outcomeBase };
  }

  private async exchange(tx: AuthorizationTransaction, query: URLSearchParams) {
    const dataSource = await this.prisma.dataSource.findUnique({ where: { id: tx.dataSourceId } });
    if (!dataSource) throw new CallbackError(400, 'This data source no longer exists.');
    const provider = providerFor(dataSource.provider);
    if (provider.endpoints(dataSource.hostUrl).issuer !== tx.issuer) {
      throw new CallbackError(400, 'The data source changed during authorization. Start again from the content.');
    }
    const config = await this.clients.configuration(dataSource);
    // The URL is rebuilt from PUBLIC_URL, never from Host / X-Forwarded-* (checklist A6).
    const currentUrl = new URL(`${this.publicUrl}${CALLBACK_PATH}?${query.toString()}`);
    try {
      const response = await client.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: this.keyring.open(tx.codeVerifierSealed, verifierContext(tx.id)),
        expectedState: query.get('state')!,
        expectedNonce: tx.nonce ?? undefined,
        idTokenExpected: Boolean(tx.nonce),
      });
      return tokenSetFrom(response, provider.defaultAccessTokenLifetimeSeconds);
    } catch (error) {
      const refusal = outboundRefusalIn(error);
      this.logger.warn(
        { dataSourceId: tx.dataSourceId, error: refusal?.reason ?? (error as { error?: string }).error ?? (error as Error).name },
        'authorization code exchange failed',
      );
      if (refusal) throw new CallbackError(502, providerRefusal(refusal, provider.displayName).message);
      throw new CallbackError(502, 'The provider did not accept this authorization. Start again from the content.');
    }
  }
}

/** returnTo must be a relative path or on the content's own origin (no open redirect, checklist A7). */
export function checkReturnTo(returnTo: string | null | undefined, contentUrl: string | null): string | null {
  if (!returnTo) return null;
  if (returnTo.length > 2000) throw badInput('returnTo', 'is too long');
  if (/^\/(?![/\\])/.test(returnTo)) {
    if (!contentUrl) throw badInput('returnTo', 'a relative returnTo needs the content to have a registered url');
    return new URL(returnTo, contentUrl).href;
  }
  let url: URL;
  try {
    url = new URL(returnTo);
  } catch {
    throw badInput('returnTo', 'must be a relative path or a URL on the content origin');
  }
  if (!contentUrl || url.origin !== new URL(contentUrl).origin) {
    throw badInput('returnTo', "must be on the content's registered origin");
  }
  return url.href;
}


