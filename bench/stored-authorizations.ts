import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Fills viewer_authorizations on a PostgreSQL bench database up to a target row count, so that the
 * first (uncached) exchange is measured against a table and indexes of production size (target 4 of
 * performance.md: 1,000,000 stored authorizations). Authorizing that many viewers through the real
 * OAuth flow would take days here, so the filler is written with set-based SQL straight from the
 * bench process. Filler rows are never exchanged: only the viewers authorized through the flow are.
 *
 * Shape, so that heap, TOAST and index sizes are representative:
 * - one viewer (a users row, role VIEWER) per authorization, all in the account and data source the
 *   timed viewers use: the unique (data_source_id, user_id) index and the primary key hold 1M keys;
 * - ids derived from (data source, user) exactly as src/core/authorizations.ts does, so primary-key
 *   values are spread like the real ones;
 * - sealed tokens in the v1 envelope with the run's key id and incompressible random base64url, sized
 *   like real provider tokens rather than the fake provider's short ones: Databricks access tokens are
 *   JWTs of about a kilobyte;
 * - a mix of statuses as a long-lived installation has them (terminal states hold no tokens).
 */
export interface FillResult {
  inserted: number;
  fillMs: number;
  /** VACUUM (ANALYZE) + CHECKPOINT after the fill. */
  settleMs: number;
  /** Heap + TOAST + indexes of viewer_authorizations. */
  tableBytes: number;
}

/** Plaintext sizes of the sealed tokens (AES-GCM keeps the length; base64url adds a third). */
const ACCESS_TOKEN_BYTES = 1_000;
const REFRESH_TOKEN_BYTES = 300;
/** Distinct random ciphertexts; rows reuse them, which costs nothing in size (values are compressed one by one). */
const CIPHERTEXT_POOL = 2_048;
const BATCH = 100_000;

/** Unpadded base64url of 16 random bytes from random(): per-row IVs and tags, as the sealer writes them. */
const RANDOM_B64URL = `translate(encode(decode(md5(random()::text), 'hex'), 'base64'), '+/=', '-_')`;
/** The id authorizationId() derives: sha256("viewer-authorization\\0<data source>\\0<user>") as a v4-shaped uuid. */
const AUTHORIZATION_ID = `(SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid
  FROM (SELECT encode(sha256(convert_to('viewer-authorization', 'UTF8') || '\\x00'::bytea || convert_to($2::uuid::text, 'UTF8') || '\\x00'::bytea || convert_to(f.user_id::text, 'UTF8')), 'hex') AS h) d)`;
const sealed = (column: 'access' | 'refresh') => `'v1.' || $3::text || '.' || substr(${RANDOM_B64URL}, 1, 16) || '.' || t.${column} || '.' || ${RANDOM_B64URL}`;

const INSERT_USERS = `
  INSERT INTO users (id, account_id, email, name, role, created_at)
  SELECT md5('bench-filler-' || g)::uuid, $1::uuid, 'filler' || g || '@bench.example', 'Filler ' || g, 'VIEWER'::"Role", now() - (g % 730) * interval '1 day'
  FROM generate_series($2::int, $3::int) AS g`;

// Buckets of g % 100: 85% authorized (half of them with an expired access token, as idle viewers
// have), 8% waiting for reauthorization, 5% revoked, 2% declined.
const INSERT_AUTHORIZATIONS = `
  INSERT INTO viewer_authorizations (id, account_id, data_source_id, user_id, status, refresh_token_sealed, access_token_sealed,
    access_token_expires_at, access_token_issued_at, scope, version, failure_count, last_error, created_at, updated_at)
  SELECT ${AUTHORIZATION_ID}, $1::uuid, $2::uuid, f.user_id,
    (CASE WHEN f.bucket < 85 THEN 'AUTHORIZED' WHEN f.bucket < 93 THEN 'REAUTHORIZATION_REQUIRED' WHEN f.bucket < 98 THEN 'REVOKED' ELSE 'DECLINED' END)::"AuthorizationStatus",
    CASE WHEN f.bucket < 85 THEN ${sealed('refresh')} END,
    CASE WHEN f.bucket < 85 THEN ${sealed('access')} END,
    CASE WHEN f.bucket < 85 THEN now() + (f.g % 120 - 60) * interval '1 minute' END,
    CASE WHEN f.bucket < 85 THEN now() + (f.g % 120 - 120) * interval '1 minute' END,
    'all-apis offline_access', 1 + f.g % 40,
    CASE WHEN f.bucket BETWEEN 85 AND 92 THEN 3 ELSE 0 END,
    CASE WHEN f.bucket BETWEEN 85 AND 92 THEN 'invalid_grant' WHEN f.bucket BETWEEN 93 AND 97 THEN 'revoked' END,
    now() - (f.g % 730) * interval '1 day', now() - (f.g % 30) * interval '1 day'
  FROM (SELECT g, md5('bench-filler-' || g)::uuid AS user_id, g % 100 AS bucket FROM generate_series($4::int, $5::int) AS g) AS f
  JOIN pg_temp.filler_ciphertexts t ON t.i = f.g % ${CIPHERTEXT_POOL}`;

export async function fillStoredAuthorizations(
  databaseUrl: string,
  options: { dataSourceId: string; keyId: string; target: number; log: (line: string) => void },
): Promise<FillResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Filler commits need not wait for the WAL flush: a crash loses a throw-away database anyway.
    await client.query('SET synchronous_commit = off');
    const { rows: ds } = await client.query<{ account_id: string }>('SELECT account_id FROM data_sources WHERE id = $1', [options.dataSourceId]);
    if (!ds[0]) throw new Error(`data source ${options.dataSourceId} not found`);
    const before = await countRows(client);
    const missing = Math.max(0, options.target - before);
    const started = performance.now();
    await createCiphertextPool(client);
    for (let first = 1; first <= missing; first += BATCH) {
      const last = Math.min(missing, first + BATCH - 1);
      await client.query('BEGIN');
      await client.query(INSERT_USERS, [ds[0].account_id, first, last]);
      await client.query(INSERT_AUTHORIZATIONS, [ds[0].account_id, options.dataSourceId, options.keyId, first, last]);
      await client.query('COMMIT');
      options.log(`  ${(before + last).toLocaleString('en-US')} stored authorizations (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    const fillMs = performance.now() - started;
    const settled = performance.now();
    // Statistics and visibility as a long-lived table has them, so neither the planner nor an
    // autovacuum woken by a million fresh rows changes the picture during the timed exchanges.
    if (missing > 0) await client.query('VACUUM (ANALYZE) users, viewer_authorizations');
    else await client.query('ANALYZE viewer_authorizations');
    // Write the fill's dirty pages out now rather than in the middle of the timed exchanges.
    await client.query('CHECKPOINT').catch((error: Error) => options.log(`  CHECKPOINT skipped: ${error.message}`));
    const settleMs = performance.now() - settled;
    const { rows: size } = await client.query<{ bytes: string }>(`SELECT pg_total_relation_size('viewer_authorizations') AS bytes`);
    return { inserted: missing, fillMs, settleMs, tableBytes: Number(size[0]!.bytes) };
  } finally {
    await client.end();
  }
}

async function countRows(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM viewer_authorizations');
  return Number(rows[0]!.n);
}

/** Random ciphertexts made here (crypto-grade, like real ones) and joined in by row number. */
async function createCiphertextPool(client: pg.Client): Promise<void> {
  const b64 = (bytes: number) => randomBytes(bytes).toString('base64url');
  const access = Array.from({ length: CIPHERTEXT_POOL }, () => b64(ACCESS_TOKEN_BYTES));
  const refresh = Array.from({ length: CIPHERTEXT_POOL }, () => b64(REFRESH_TOKEN_BYTES));
  await client.query('CREATE TEMP TABLE filler_ciphertexts (i int PRIMARY KEY, access text NOT NULL, refresh text NOT NULL)');
  await client.query(
    'INSERT INTO pg_temp.filler_ciphertexts SELECT n - 1, a, r FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS p(a, r, n)',
    [access, refresh],
  );
}
