import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Services } from '../app.js';
import { CallbackError, type CallbackOutcome } from '../core/authorization-flow.js';
import { AppError } from '../core/errors.js';
import { randomToken } from '../infra/crypto.js';
import { clientBucket } from './client-ip.js';
import { headerValue, type RequestTarget } from './io.js';

/**
 * The two browser-facing routes of the viewer flow, outside GraphQL:
 * - GET /v1/integrations/authorize?state=…  binds the flow to this browser (cookie) and redirects
 *   to the provider;
 * - GET /v1/integrations/callback            finishes the handshake.
 * Responses never echo the code, the state or provider-supplied text; they carry no-store and
 * no-referrer so the code cannot leak through history or Referer (checklist A8).
 * Each route has a budget per client network (checklist F9): a start claims a transaction, a
 * callback may call the provider's token endpoint, and neither should be a scanner's free lunch.
 */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};

export function browserCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https:') ? '__Host-oi_browser' : 'oi_browser';
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = headerValue(req, 'cookie') ?? '';
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

export function createOAuthRoutes(services: Services) {
  const { publicUrl } = services.config;
  const cookieName = browserCookieName(publicUrl);
  const secure = publicUrl.startsWith('https:') ? '; Secure' : '';
  const { browserFlow } = services.rateLimits;

  /** False (and a 429 page with Retry-After) once this client network has used up the route's budget. */
  const withinBudget = async (route: 'start' | 'callback', req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (!browserFlow.enabled) return true;
    const retryAfterSeconds = await browserFlow.take(`${route} ${clientBucket(req, services.config.trustProxyHops)}`);
    if (retryAfterSeconds === 0) return true;
    page(res, 429, `Too many sign-in attempts from your network. Please try again in ${retryAfterSeconds} seconds.`, {
      'retry-after': String(retryAfterSeconds),
    });
    return false;
  };

  const start = async (req: IncomingMessage, res: ServerResponse, url: RequestTarget) => {
    if (!(await withinBudget('start', req, res))) return;
    const state = url.searchParams.get('state');
    if (!state || url.searchParams.getAll('state').length !== 1) return page(res, 400, 'This authorization link is incomplete.');
    const binding = readCookie(req, cookieName) ?? randomToken(32);
    try {
      const location = await services.flow.start(state, binding);
      res.writeHead(302, {
        ...SECURITY_HEADERS,
        location,
        'set-cookie': `${cookieName}=${binding}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000${secure}`,
      });
      res.end();
    } catch (error) {
      renderFailure(res, error);
    }
  };

  const callback = async (req: IncomingMessage, res: ServerResponse, url: RequestTarget) => {
    if (!(await withinBudget('callback', req, res))) return;
    try {
      const outcome = await services.flow.complete(url.search.slice(1), readCookie(req, cookieName));
      renderOutcome(res, outcome);
    } catch (error) {
      if (!(error instanceof CallbackError) && !(error instanceof AppError)) throw error;
      renderFailure(res, error);
    }
  };

  return { start, callback };
}

function renderOutcome(res: ServerResponse, outcome: CallbackOutcome) {
  if (outcome.returnTo) {
    res.writeHead(303, { ...SECURITY_HEADERS, location: outcome.returnTo });
    res.end();
    return;
  }
  const message =
    outcome.kind === 'declined'
      ? `You declined access. You can return to ${outcome.contentName}.`
      : `You are signed in. You can return to ${outcome.contentName}.`;
  page(res, 200, message);
}

function renderFailure(res: ServerResponse, error: unknown) {
  if (error instanceof CallbackError) return page(res, error.status, error.message);
  if (error instanceof AppError) return page(res, error.code === 'PROVIDER_UNAVAILABLE' ? 503 : 400, error.message);
  throw error;
}

function page(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>Authorization</title></head><body style="font-family:sans-serif;margin:3em"><p>${escapeHtml(message)}</p></body></html>`;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
