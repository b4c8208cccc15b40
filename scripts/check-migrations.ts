/**
 * `npm run migrations:check` (CI): fails when prisma/schema.prisma changed without a migration, i.e.
 * when replaying prisma/migrations on an empty database does not give the schema's tables.
 */
import { diffMigrationsToSchema } from './migration-engine.js';

try {
  const pending = await diffMigrationsToSchema();
  if (pending !== '') {
    console.error('prisma/schema.prisma has changes that no migration in prisma/migrations contains.');
    console.error('Create one with `npm run migration:create -- <name>`. Pending SQL:\n');
    console.error(pending);
    process.exit(1);
  }
  console.log('migrations match prisma/schema.prisma');
} catch (error) {
  // A migration that no longer applies on an empty database is drift too.
  console.error('could not replay prisma/migrations:', error instanceof Error ? error.message : error);
  process.exit(1);
}
