/**
 * Prisma's WebAssembly schema engine, driven offline. The `prisma migrate` CLI needs a native engine it
 * cannot download here; the wasm build (@prisma/schema-engine-wasm, an internal API: keep the exact
 * version pinned) does the same diffing given a driver adapter. Its shadow database is an in-memory
 * PGlite, so no PostgreSQL server is needed to create migrations or to check them for drift.
 */
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import {
  DriverAdapterError,
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import { PrismaPGlite } from 'pglite-prisma-adapter';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
export const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');

/** The engine reports a Rust panic's reason through this global before trapping with a bare "unreachable". */
class WasmPanicRegistry {
  private message = '';
  set_message(message: string): void {
    this.message = message;
  }
  get(): string {
    return this.message;
  }
}

declare global {
  // eslint-disable-next-line no-var
  var PRISMA_WASM_PANIC_REGISTRY: WasmPanicRegistry | undefined;
}

// tsconfig's lib has no DOM and @types/node 20 does not declare the WebAssembly global: the few
// members used here, typed by hand.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
  RuntimeError: new () => Error;
};

let engineClass: Promise<typeof SchemaEngine> | undefined;

/**
 * Instantiates the wasm module once per process: wasm-bindgen keeps module-level state, and a second
 * instantiation of the same glue breaks it. The package's own entry point needs bundler-style
 * `import * from '.wasm'`, which Node does not do, hence the manual wiring of the `_bg.js` glue.
 */
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    globalThis.PRISMA_WASM_PANIC_REGISTRY ??= new WasmPanicRegistry();
    const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })();
  return engineClass;
}

/**
 * A migration-aware adapter factory whose every connection is a fresh in-memory PGlite, remembered so
 * that `close()` can free them: the engine never calls `dispose()`, and pglite-prisma-adapter's own
 * `connectToShadowDb()` opens a PGlite it never closes.
 */
class InMemoryPGliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = 'pglite-in-memory';
  private readonly opened: PGlite[] = [];

  connect(): Promise<SqlDriverAdapter> {
    return this.open();
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.open();
  }

  async close(): Promise<void> {
    await Promise.all(this.opened.splice(0).map((pg) => pg.close()));
  }

  private async open(): Promise<SqlDriverAdapter> {
    const pg = new PGlite();
    this.opened.push(pg);
    const adapter = await new PrismaPGlite(pg).connect();
    // pglite-prisma-adapter 0.7.2 fires `exec` without awaiting it: a failing migration would count
    // as applied on the shadow database and surface later as an unhandled rejection.
    adapter.executeScript = async (script: string) => {
      try {
        await pg.exec(script);
      } catch (error) {
        throw toDriverAdapterError(error);
      }
    };
    return adapter as SqlDriverAdapter;
  }
}

/** Gives the engine PostgreSQL's code and message (it prints them) instead of an opaque JS error. */
function toDriverAdapterError(error: unknown): unknown {
  const e = error as { code?: unknown; severity?: unknown; message?: unknown; detail?: string; column?: string; hint?: string };
  if (typeof e?.code !== 'string' || typeof e.message !== 'string') return error;
  return new DriverAdapterError({
    kind: 'postgres',
    code: e.code,
    severity: typeof e.severity === 'string' ? e.severity : 'ERROR',
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}

/** prisma/migrations in the shape the engine expects (what `prisma migrate` reads from disk itself). */
async function listMigrations(dir: string): Promise<MigrationList> {
  const lockfile = await readFile(path.join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return {
    baseDir: dir,
    lockfile: { path: 'migration_lock.toml', content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories: await Promise.all(
      names.map(async (name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(dir, name, 'migration.sql'), 'utf8').then(
            (value) => ({ tag: 'ok' as const, value }),
            (error: Error) => ({ tag: 'error' as const, value: error.message }),
          ),
        },
      })),
    ),
  };
}

/**
 * The SQL that takes a database built from prisma/migrations to prisma/schema.prisma: empty when the
 * migrations are up to date, otherwise the body of the next migration.
 */
export async function diffMigrationsToSchema(
  options: { schemaPath?: string; migrationsDir?: string } = {},
): Promise<string> {
  const schemaPath = options.schemaPath ?? SCHEMA_PATH;
  const migrationsDir = options.migrationsDir ?? MIGRATIONS_DIR;
  const schema = { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
  const migrations = await listMigrations(migrationsDir);

  const Engine = await loadEngineClass();
  const factory = new InMemoryPGliteFactory();
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  const logs: string[] = [];
  let engine: SchemaEngine | undefined;
  try {
    engine = await Engine.new({ datamodels: [[schema.path, schema.content]] }, (line: string) => logs.push(line), bound);
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrations },
      to: { tag: 'schemaDatamodel', files: [schema] },
      script: true,
      // With exitCode set the engine says whether the diff is empty (0) or not (2): no need to parse
      // its "-- This is an empty migration." placeholder.
      exitCode: true,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.exitCode === 0 ? '' : (result.stdout ?? '');
  } catch (error) {
    throw explain(error, bound.errorRegistry);
  } finally {
    engine?.free();
    await factory.close();
  }
}

/** Turns the engine's opaque failures (panics, errors registered by the adapter binder) into readable ones. */
function explain(error: unknown, registry: { consumeError(id: number): { error: unknown } | undefined }): unknown {
  if (error instanceof WebAssembly.RuntimeError) {
    const reason = globalThis.PRISMA_WASM_PANIC_REGISTRY?.get();
    return new Error(`schema engine panicked${reason ? `: ${reason}` : ''}`, { cause: error });
  }
  const match = /id#(\d+)/.exec(String((error as Error)?.message ?? ''));
  const original = match ? registry.consumeError(Number(match[1]))?.error : undefined;
  return original ?? error;
}
