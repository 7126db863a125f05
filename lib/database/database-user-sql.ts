import { ENGINES, PipeMode, RdsEngine } from '../rules/engines';

/** A PostgreSQL identifier, double-quoted so that case and every character are kept. */
export function quotePostgresIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A MySQL/MariaDB string literal (user names are written as `'name'`). */
export function quoteMysqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The SQL that creates the database user ClickPipes logs in as with IAM authentication, as the
 * ClickPipes "AWS IAM DB authentication" guide gives it:
 * - PostgreSQL: `CREATE USER u; GRANT rds_iam TO u;` and, for CDC, the replication role
 *   `rds_replication`;
 * - MySQL / MariaDB: `CREATE USER 'u' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';`.
 *
 * Run it once as the master user. The grants on schemas and tables that ClickPipes reads come
 * from the source setup guides and are not part of this statement list.
 *
 * The statements stand on one line: cdktf's HCL output cannot hold a line break in a string.
 */
export function databaseUserSql(engine: RdsEngine, dbUser: string, pipeMode: PipeMode): string {
  return databaseUserStatements(engine, dbUser, pipeMode).join(' ');
}

/** The statements of {@link databaseUserSql}, one each. */
export function databaseUserStatements(engine: RdsEngine, dbUser: string, pipeMode: PipeMode): string[] {
  if (ENGINES[engine].dialect === 'postgres') {
    const user = quotePostgresIdentifier(dbUser);
    const lines = [`CREATE USER ${user};`, `GRANT rds_iam TO ${user};`];
    if (pipeMode === 'cdc') lines.push(`GRANT rds_replication TO ${user};`);
    return lines;
  }
  return [`CREATE USER ${quoteMysqlString(dbUser)} IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';`];
}
