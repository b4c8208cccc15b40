/**
 * A cookie-keeping HTTP "browser" on fetch (redirect: 'manual'), enough to walk OAuth redirects and
 * oidc-provider's dev-interaction forms without Chromium.
 *
 * Cookies are kept per host:port (what a browser does for 127.0.0.1 test servers on different ports
 * is per host, but per host:port is stricter and keeps our app's and the provider's cookies apart).
 * Path is honoured; Secure/__Host- are stored and sent as set: our app only omits Secure on http
 * loopback, and a stricter jar would hide that decision from the tests.
 */
export interface BrowserResponse {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
}

export class TestBrowser {
  private readonly jar = new Map<string, Map<string, Cookie>>();
  /** Every request made, in order: handy when a flow goes somewhere unexpected. */
  readonly history: string[] = [];

  async request(url: string, init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {}): Promise<BrowserResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { 'user-agent': 'TestBrowser/1', ...init.headers };
    const cookie = this.cookieHeader(target);
    if (cookie) headers.cookie = cookie;
    this.history.push(`${init.method ?? 'GET'} ${target.href}`);
    const res = await fetch(target, { method: init.method ?? 'GET', body: init.body, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.store(target, line);
    return { status: res.status, url: target.href, headers: res.headers, body: await res.text() };
  }

  get(url: string, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.request(url, { headers });
  }

  post(url: string, form: Record<string, string>): Promise<BrowserResponse> {
    return this.request(url, { method: 'POST', body: new URLSearchParams(form) });
  }

  /**
   * GETs url and follows 3xx Location headers across hosts. Stops at the first non-redirect, or at
   * (after requesting) the first URL for which stopAt returns true: that response is returned as is.
   * With skipFinal, a redirect TO a stopAt URL is not followed: the redirecting response is returned.
   */
  async follow(url: string, opts: FollowOptions = {}): Promise<BrowserResponse> {
    return this.chase(await this.get(url), opts);
  }

  /** Follows the redirects of a response already obtained (e.g. from a form POST). */
  async chase(first: BrowserResponse, { maxHops = 20, stopAt, skipFinal = false }: FollowOptions = {}): Promise<BrowserResponse> {
    let res = first;
    for (let hop = 0; ; hop += 1) {
      const next = redirectTarget(res);
      if (stopAt?.(res.url) || !next || (skipFinal && stopAt?.(next))) return res;
      if (hop >= maxHops) throw new Error(`too many redirects:\n${this.history.join('\n')}`);
      res = await this.get(next);
    }
  }

  /** Cookies currently held for "127.0.0.1:1234" (all paths), name -> value. */
  cookies(hostPort: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of this.jar.get(hostPort)?.values() ?? []) if (c.expiresAt > Date.now()) out[c.name] = c.value;
    return out;
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    return [...(this.jar.get(url.host)?.values() ?? [])]
      .filter((c) => c.expiresAt > now && pathMatches(url.pathname, c.path))
      .sort((a, b) => b.path.length - a.path.length) // RFC 6265 5.4: longer paths first
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, line: string): void {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 1) return;
    const cookie: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: defaultPath(url.pathname), expiresAt: Infinity };
    for (const attr of attrs) {
      const [rawKey = '', ...rest] = attr.split('=');
      const key = rawKey.trim().toLowerCase();
      const value = rest.join('=').trim();
      if (key === 'path' && value.startsWith('/')) cookie.path = value;
      // Deletion is "Expires=Thu, 01 Jan 1970": epoch 0 must count as expired, not as "no date".
      if (key === 'expires' && cookie.expiresAt === Infinity && !Number.isNaN(Date.parse(value))) cookie.expiresAt = Date.parse(value);
      if (key === 'max-age') cookie.expiresAt = Date.now() + Number(value) * 1000; // Max-Age wins over Expires
    }
    const byKey = this.jar.get(url.host) ?? new Map<string, Cookie>();
    this.jar.set(url.host, byKey);
    const key = `${cookie.name};${cookie.path}`;
    if (cookie.expiresAt <= Date.now()) byKey.delete(key);
    else byKey.set(key, cookie);
  }
}

export interface FollowOptions {
  /** Default 20. */
  maxHops?: number;
  stopAt?: (url: string) => boolean;
  /** Do not request the stopAt URL itself; return the response that redirected to it. */
  skipFinal?: boolean;
}

/** The absolute Location of a 3xx response, if any. */
export function redirectTarget(res: BrowserResponse): string | undefined {
  const location = res.headers.get('location');
  return res.status >= 300 && res.status < 400 && location ? new URL(location, res.url).href : undefined;
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export interface HtmlForm {
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** The first <form> of a page: absolute action URL, method and every named input with its value. */
export function parseForm(html: string, pageUrl: string): HtmlForm | undefined {
  const match = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!match) return undefined;
  const formAttrs = attributes(match[1] ?? '');
  const fields: Record<string, string> = {};
  for (const input of (match[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = attributes(input[1] ?? '');
    if (attrs.name) fields[attrs.name] = attrs.value ?? '';
  }
  return { action: new URL(formAttrs.action ?? pageUrl, pageUrl).href, method: (formAttrs.method ?? 'get').toUpperCase(), fields };
}

function attributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(/([\w-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    out[(m[1] ?? '').toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? _;
    return String.fromCodePoint(e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export interface LoginOptions {
  /** Login name typed into the form; it becomes the account id (sub) at the fake provider. */
  login: string;
  /** Any value works with devInteractions. */
  password?: string;
  /** True for the URL where the walk ends, normally our callback. */
  stopAt: (url: string) => boolean;
  /** Return the redirect TO the stopAt URL without requesting it (finalUrl is still that URL). */
  skipFinal?: boolean;
  /** Safety stop; default 4 (login + consent need 2). */
  maxForms?: number;
}

/**
 * Starts at startUrl (normally our app's authorize route, which redirects to the provider), signs in
 * at oidc-provider's dev login form as `login`, confirms the consent form if shown, and follows
 * redirects until stopAt(url) — that last URL (normally our callback) is requested too, with the
 * browser's cookies, and its response returned (unless skipFinal).
 */
export async function loginAtProvider(browser: TestBrowser, startUrl: string, opts: LoginOptions): Promise<{ finalUrl: string; response: BrowserResponse }> {
  const follow = { stopAt: opts.stopAt, skipFinal: opts.skipFinal };
  let res = await browser.follow(startUrl, follow);
  for (let forms = 0; forms <= (opts.maxForms ?? 4); forms += 1) {
    const next = redirectTarget(res);
    if (opts.skipFinal && next && opts.stopAt(next)) return { finalUrl: next, response: res };
    if (opts.stopAt(res.url)) return { finalUrl: res.url, response: res };
    const form = res.status === 200 ? parseForm(res.body, res.url) : undefined;
    if (!form) {
      throw new Error(`loginAtProvider: no form and not at stopAt: ${res.status} ${res.url}\n${res.body.slice(0, 500)}\n${browser.history.join('\n')}`);
    }
    const fields = { ...form.fields };
    if ('login' in fields) fields.login = opts.login;
    if ('password' in fields) fields.password = opts.password ?? 'any-password';
    const submitted = form.method === 'POST' ? await browser.post(form.action, fields) : await browser.get(`${form.action}?${new URLSearchParams(fields)}`);
    res = await browser.chase(submitted, follow);
  }
  throw new Error(`loginAtProvider: gave up after ${opts.maxForms ?? 4} forms at ${res.url}`);
}
