import path from 'node:path';
import { z } from 'zod';
import type { RateLimitSpec } from './rate-limiter.js';

/**
 * All configuration comes from the environment, is parsed here once, and is passed down as a typed
 * object. Nothing else in the code reads process.env.
 */
const booleanFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/**
 * A rate limit: `<count>/<s|min|h>` sustained, optionally `,<burst>` (default: count) for how many
 * may arrive at once; `0` or `off` disables it.
 */
const SECONDS_PER_UNIT = { s: 1, min: 60, h: 3600 } as const;
const rateLimit = z
  .string()
  .trim()
  .regex(/^(0|off|[1-9]\d*\/(s|min|h)(,[1-9]\d*)?)$/, 'must look like 20/s,100 (count per s, min or h, then an optional burst) or 0 to disable')
  .transform((value): RateLimitSpec | null => {
    if (value === '0' || value === 'off') return null;
    const [rate, burst] = value.split(',');
    const [count, unit] = rate!.split('/') as [string, keyof typeof SECONDS_PER_UNIT];
    return { perSecond: Number(count) / SECONDS_PER_UNIT[unit], burst: Number(burst ?? count) };
  });

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3939),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  ENCRYPTION_KEYS: z.string().min(1).optional(),
  ACTIVE_ENCRYPTION_KEY_ID: z.string().min(1).optional(),
  SIGNING_KEY: z.string().min(43, 'must be at least 32 bytes, base64').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ALLOW_HTTP_LOOPBACK_PROVIDERS: booleanFlag.default(false),
  SESSION_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  TOKEN_REFRESH_MARGIN_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  INSTANCE_ID: z.string().min(1).optional(),
  GRAPHQL_INTROSPECTION: booleanFlag.default(false),
  HOT_CACHE_TTL_SECONDS: z.coerce.number().min(0).max(300).default(5),
  AUTHORIZATION_CACHE_TTL_SECONDS: z.coerce.number().min(0).max(3600).default(600),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(365),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((o) => new URL(o).origin === o, 'each entry must be a bare origin like https://dash.example.com'))),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  RATE_LIMIT_FAILED_AUTH: rateLimit.prefault('10/min,20'),
  RATE_LIMIT_EXCHANGE: rateLimit.prefault('20/s,200'),
  RATE_LIMIT_AUTHORIZE: rateLimit.prefault('30/min,30'),
  RATE_LIMIT_MUTATIONS: rateLimit.prefault('10/s,50'),
});

export interface Config {
  port: number;
  host: string;
  /** Base of every URL we hand out; the OAuth redirect URI is built from it, never from request headers. */
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Raw key list ("kid:base64,...") when configured; undefined means "embedded: generate into DATA_DIR". */
  encryptionKeys: string | undefined;
  activeEncryptionKeyId: string | undefined;
  signingKey: string | undefined;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  allowHttpLoopbackProviders: boolean;
  sessionTokenTtlSeconds: number;
  tokenRefreshMarginSeconds: number;
  providerTimeoutMs: number;
  instanceId: string | undefined;
  /** Off by default (production posture); codegen reads the printed schema.graphql instead. */
  graphqlIntrospection: boolean;
  /** How long another instance's change (revoked key, detach, logout) may go unseen by this one. */
  hotCacheTtlSeconds: number;
  /**
   * How long a viewer's authorization row stays cached. Longer than the hot cache because every status
   * change, on any instance, drops it through the event bus, and a refresh elsewhere is detected by
   * the version check when this instance next needs one.
   */
  authorizationCacheTtlSeconds: number;
  /** Browser origins allowed besides PUBLIC_URL's and the contents' registered URLs (dashboards). */
  allowedOrigins: string[];
  /** Days audit rows are kept before maintenance prunes them; 0 keeps them forever. */
  auditRetentionDays: number;
  /** Reverse proxies in front of us whose `X-Forwarded-For` entries are trusted (0: use the TCP peer). */
  trustProxyHops: number;
  /** Per-instance budgets (checklist F9); null disables one. */
  rateLimits: RateLimitConfig;
}

export interface RateLimitConfig {
  /** Presented API keys that fail to authenticate, per client address (key guessing, revoked keys in a loop). */
  failedAuthentications: RateLimitSpec | null;
  /** Credential exchanges and other viewer-session operations, per API key and viewer. */
  exchanges: RateLimitSpec | null;
  /** Authorization starts, and separately callbacks, per client address. */
  browserFlow: RateLimitSpec | null;
  /** Mutations per API key (GraphQL and REST), session-token minting excepted. */
  mutations: RateLimitSpec | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]])),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATABASE_URL && (!e.ENCRYPTION_KEYS || !e.SIGNING_KEY)) {
    // Several instances share one PostgreSQL: each generating its own keys would make their
    // ciphertexts unreadable to each other (airflow-operator#694), so keys must be explicit.
    throw new ConfigError(
      'Invalid configuration:\n  ENCRYPTION_KEYS and SIGNING_KEY are required when DATABASE_URL is set ' +
        '(generate them with `oauth-integrations generate-keys`)',
    );
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    encryptionKeys: e.ENCRYPTION_KEYS,
    activeEncryptionKeyId: e.ACTIVE_ENCRYPTION_KEY_ID,
    signingKey: e.SIGNING_KEY,
    logLevel: e.LOG_LEVEL,
    allowHttpLoopbackProviders: e.ALLOW_HTTP_LOOPBACK_PROVIDERS,
    sessionTokenTtlSeconds: e.SESSION_TOKEN_TTL_SECONDS,
    tokenRefreshMarginSeconds: e.TOKEN_REFRESH_MARGIN_SECONDS,
    providerTimeoutMs: e.PROVIDER_TIMEOUT_MS,
    instanceId: e.INSTANCE_ID,
    graphqlIntrospection: e.GRAPHQL_INTROSPECTION,
    hotCacheTtlSeconds: e.HOT_CACHE_TTL_SECONDS,
    authorizationCacheTtlSeconds: e.AUTHORIZATION_CACHE_TTL_SECONDS,
    allowedOrigins: e.ALLOWED_ORIGINS,
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    rateLimits: {
      failedAuthentications: e.RATE_LIMIT_FAILED_AUTH,
      exchanges: e.RATE_LIMIT_EXCHANGE,
      browserFlow: e.RATE_LIMIT_AUTHORIZE,
      mutations: e.RATE_LIMIT_MUTATIONS,
    },
  };
}

export const CALLBACK_PATH = '/v1/integrations/callback';
export const redirectUriFor = (config: Pick<Config, 'publicUrl'>) => `${config.publicUrl}${CALLBACK_PATH}`;
