import { DataSource, type DataSourceOptions } from 'typeorm';

/**
 * Least privilege in PostgreSQL: the migrations run as the role that owns the schema
 * (`migrationUrl`), which then grants the service's runtime role (the user of `runtimeUrl`) the
 * DML it needs on what they created, and nothing else: the runtime role owns no table, so it can
 * neither alter nor drop one, and it cannot create any (PostgreSQL 15 and later grant no CREATE
 * on the public schema to other roles). It cannot rewrite the migrations' history either. Run
 * at every start, before the service connects: the grants are idempotent and cover tables a new
 * migration added.
 */
export async function migrateAsOwner(
  options: DataSourceOptions,
  runtimeUrl: string,
  migrationUrl: string,
): Promise<void> {
  const runtimeRole = decodeURIComponent(new URL(runtimeUrl).username);
  if (!runtimeRole)
    throw new Error('DATABASE_URL names no user: whom to grant the runtime rights?');
  const owner = new DataSource({
    ...options,
    url: migrationUrl,
    poolSize: 1,
    migrationsRun: false,
  } as DataSourceOptions);
  await owner.initialize();
  try {
    await owner.runMigrations({ transaction: 'each' });
    const role = `"${runtimeRole.replaceAll('"', '""')}"`;
    await owner.query(`grant usage on schema public to ${role}`);
    await owner.query(
      `grant select, insert, update, delete on all tables in schema public to ${role}`,
    );
    await owner.query(`grant usage, select on all sequences in schema public to ${role}`);
    await owner.query(`revoke all on table migrations from ${role}`);
  } finally {
    await owner.destroy();
  }
}
