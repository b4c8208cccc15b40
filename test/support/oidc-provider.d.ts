/**
 * oidc-provider 9 ships no TypeScript types (and @types/oidc-provider targets v8), so the test
 * fixture declares just the surface it uses. Kept deliberately small: configuration stays a plain
 * object so a typo there fails at runtime in oidc-provider's own validation, not silently here.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcKoaContext {
    path: string;
    method: string;
    status: number;
    body: unknown;
    response: { get(field: string): string; set(field: string, value: string): void };
  }

  export interface OidcRefreshToken {
    exp?: number;
    accountId: string;
    grantId: string;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: OidcKoaContext, next: () => Promise<void>) => Promise<void>): this;
    RefreshToken: { find(value: string, options?: { ignoreExpiration?: boolean }): Promise<OidcRefreshToken | undefined> };
  }

  export default Provider;
}
