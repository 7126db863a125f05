import { ENGINES, PipeMode, RdsEngine, postgresMajor } from '../rules/engines';
import { databaseUserStatements, quoteMysqlString, quotePostgresIdentifier } from './database-user-sql';
import { FieldProblem } from '../errors';
import { sqlIdentifierProblem } from '../rules/validation';
import { maxBinlogRetentionHours } from '../rules/support';

/** A table ClickPipes reads: its schema (a MySQL/MariaDB database) and its name. */
export interface ReplicatedTable {
  /** The PostgreSQL schema, or the MySQL/MariaDB database. */
  readonly schema: string;
  /** The table name, exactly as in the database (case and every character kept). */
  readonly name: string;
}

/** What ClickPipes reads and how: the inputs of the ClickPipes grants. */
export interface ClickPipesGrantsProps {
  /**
   * Schemas (PostgreSQL) or databases (MySQL, MariaDB) whose tables ClickPipes reads: every
   * table, present and future. Give `schemas` or `tables`, not both.
   * @default ["public"] on PostgreSQL; required on MySQL/MariaDB (give `schemas` or `tables`)
   */
  readonly schemas?: readonly string[];
  /** Single tables ClickPipes reads, instead of whole schemas. */
  readonly tables?: readonly ReplicatedTable[];
  /**
   * The PostgreSQL publication that a CDC pipe reads.
   * @default "clickpipes"
   */
  readonly publication?: string;
  /**
   * MySQL/MariaDB CDC: hours RDS keeps binary logs (`mysql.rds_set_configuration`).
   * @default 72 (the ClickPipes MySQL guide's minimum; its MariaDB guide asks for at least 24)
   */
  readonly binlogRetentionHours?: number;
}

/** Everything the setup SQL of a source depends on. */
export interface SetupSqlInput extends ClickPipesGrantsProps {
  readonly engine: RdsEngine;
  readonly dbUser: string;
  readonly pipeMode: PipeMode;
}

export const DEFAULT_PUBLICATION = 'clickpipes';
export const DEFAULT_BINLOG_RETENTION_HOURS = 72;
/** The longest binary log retention of RDS for MySQL and MariaDB; Aurora MySQL 2.11+ and 3 keep 2,160 hours (data/rds-binlog-retention.json). */
export const MAX_BINLOG_RETENTION_HOURS = 168;

/** A MySQL/MariaDB identifier in backticks (a backtick inside is doubled). */
export function quoteMysqlIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A database name for a database-level MySQL/MariaDB `GRANT … ON db.*`: there `_` and `%` are
 * wildcards (`my_db` would also match `myXdb`), so they, and the escape character `\`, are
 * escaped with `\` to grant exactly the named database.
 */
export function mysqlGrantDatabase(name: string): string {
  return quoteMysqlIdentifier(name.replace(/[\\_%]/g, (c) => `\\${c}`));
}

/** The schemas a source reads by default: `public` on PostgreSQL, none on MySQL/MariaDB. */
function schemasOf(i: SetupSqlInput): readonly string[] {
  if (i.tables) return [];
  return i.schemas ?? (ENGINES[i.engine].dialect === 'postgres' ? ['public'] : []);
}

function postgresStatements(i: SetupSqlInput): string[] {
  const user = quotePostgresIdentifier(i.dbUser);
  const q = quotePostgresIdentifier;
  const out: string[] = [];
  const schemas = schemasOf(i);
  for (const schema of schemas) {
    out.push(
      `GRANT USAGE ON SCHEMA ${q(schema)} TO ${user};`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA ${q(schema)} TO ${user};`,
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${q(schema)} GRANT SELECT ON TABLES TO ${user};`,
    );
  }
  const tables = i.tables ?? [];
  for (const schema of [...new Set(tables.map((t) => t.schema))])
    out.push(`GRANT USAGE ON SCHEMA ${q(schema)} TO ${user};`);
  for (const t of tables) out.push(`GRANT SELECT ON TABLE ${q(t.schema)}.${q(t.name)} TO ${user};`);
  if (i.pipeMode === 'cdc') {
    const publication = q(i.publication ?? DEFAULT_PUBLICATION);
    const what = tables.length
      ? `TABLE ${tables.map((t) => `${q(t.schema)}.${q(t.name)}`).join(', ')}`
      : `TABLES IN SCHEMA ${schemas.map(q).join(', ')}`;
    out.push(`CREATE PUBLICATION ${publication} FOR ${what};`);
  }
  return out;
}

function mysqlStatements(i: SetupSqlInput): string[] {
  const user = quoteMysqlString(i.dbUser);
  const out = [`GRANT SELECT ON \`mysql\`.* TO ${user};`];
  for (const schema of schemasOf(i)) out.push(`GRANT SELECT ON ${mysqlGrantDatabase(schema)}.* TO ${user};`);
  for (const t of i.tables ?? []) {
    out.push(`GRANT SELECT ON ${quoteMysqlIdentifier(t.schema)}.${quoteMysqlIdentifier(t.name)} TO ${user};`);
  }
  if (i.pipeMode === 'cdc') {
    out.push(
      `GRANT REPLICATION CLIENT ON *.* TO ${user};`,
      `GRANT REPLICATION SLAVE ON *.* TO ${user};`,
      `CALL mysql.rds_set_configuration('binlog retention hours', ${i.binlogRetentionHours ?? DEFAULT_BINLOG_RETENTION_HOURS});`,
    );
  }
  return out;
}

/**
 * The statements that set a source up for ClickPipes, one statement each, in order: the IAM
 * database user ({@link databaseUserStatements}), then the grants of the ClickPipes source guides
 * for the pipe mode:
 *
 * - PostgreSQL: `USAGE` on each schema, `SELECT` on its tables (now and, by default privileges,
 *   later) or on the listed tables; for CDC the publication ClickPipes reads (`FOR TABLES IN
 *   SCHEMA` needs PostgreSQL 15; list tables on older versions).
 * - MySQL / MariaDB: `SELECT` on the `mysql` database and on each database or table; for CDC
 *   `REPLICATION CLIENT`, `REPLICATION SLAVE` and the binary log retention of RDS.
 *
 * Every identifier is quoted for its dialect, so names keep their case, spaces, quotes and
 * non-ASCII letters.
 */
export function setupSqlStatements(i: SetupSqlInput): string[] {
  const user = databaseUserStatements(i.engine, i.dbUser, i.pipeMode);
  return [...user, ...(ENGINES[i.engine].dialect === 'postgres' ? postgresStatements(i) : mysqlStatements(i))];
}

/** The setup SQL on one line, for a Terraform output (cdktf's HCL cannot hold line breaks in strings). */
export function setupSqlLine(i: SetupSqlInput): string {
  return setupSqlStatements(i).join(' ');
}

/**
 * The setup SQL file of a source: comments saying what it is and how to run it, then one
 * statement a line. Run it once as the master user (`psql -v ON_ERROR_STOP=1 -f`, `mysql <`).
 *
 * @param notes comment lines to add after the header (the CDC prerequisites, say)
 */
export function setupSqlFile(sourceName: string, i: SetupSqlInput, notes: readonly string[] = []): string {
  const postgres = ENGINES[i.engine].dialect === 'postgres';
  const run = postgres
    ? `psql "host=<endpoint> port=<port> dbname=<database> user=<master user> sslmode=verify-full sslrootcert=global-bundle.pem" -v ON_ERROR_STOP=1 -f ${sourceName}.sql`
    : `mysql --host=<endpoint> --port=<port> --user=<master user> -p --ssl-ca=global-bundle.pem < ${sourceName}.sql`;
  const header = [
    `ClickPipes setup of source ${sourceName}: ${ENGINES[i.engine].label}, pipe mode ${i.pipeMode}, database user ${i.dbUser} (IAM authentication).`,
    'Generated by cdktf-clickpipes-aws. Run it once, as the master user:',
    `  ${run}`,
    ...(notes.length ? ['', ...notes] : []),
  ];
  return [...header.map((l) => (l ? `-- ${l}` : '--')), ...setupSqlStatements(i)].join('\n') + '\n';
}

/** Whether a PostgreSQL version is known to predate `CREATE PUBLICATION … FOR TABLES IN SCHEMA` (15). */
function beforePostgres15(version: string | undefined): boolean {
  const major = version === undefined ? undefined : postgresMajor(version);
  return major !== undefined && major < 15;
}

/** What {@link grantsProblems} checks. */
export interface GrantsRuleInput extends ClickPipesGrantsProps {
  readonly engine: RdsEngine;
  readonly pipeMode: PipeMode;
  /** A literal engine version, when known. */
  readonly engineVersion?: string;
}

/**
 * The problems of the grants of a source: names the databases refuse, duplicates, `schemas`
 * together with `tables`, fields of the other dialect or of the other pipe mode, and a
 * publication of whole schemas below PostgreSQL 15.
 */
export function grantsProblems(i: GrantsRuleInput): FieldProblem[] {
  const dialect = ENGINES[i.engine].dialect;
  const problems: FieldProblem[] = [];
  const name = (field: string, value: string) => {
    const p = sqlIdentifierProblem(value, dialect);
    if (p) problems.push([field, p]);
  };
  if (i.schemas && i.tables) {
    problems.push(['tables', 'give schemas or tables, not both: a source reads whole schemas or single tables']);
  }
  if (dialect === 'mysql' && i.schemas === undefined && i.tables === undefined) {
    problems.push([
      'schemas',
      'is missing; list the databases (schemas) or the tables ClickPipes reads: on MySQL and MariaDB the ClickPipes source ' +
        'guides grant SELECT on the mysql database plus each replicated database, so without them the user can read nothing ' +
        'and the pipe replicates nothing (there is no default: a database-wide grant on *.* would read every database)',
    ]);
  }
  if (i.schemas?.length === 0) problems.push(['schemas', 'is empty; list at least one schema, or leave it out']);
  if (i.tables?.length === 0) problems.push(['tables', 'is empty; list at least one table, or leave it out']);
  const seen = new Set<string>();
  (i.schemas ?? []).forEach((schema, n) => {
    name(`schemas[${n}]`, schema);
    if (seen.has(schema)) problems.push([`schemas[${n}]`, `${JSON.stringify(schema)} is listed twice`]);
    seen.add(schema);
  });
  (i.tables ?? []).forEach((t, n) => {
    name(`tables[${n}].schema`, t.schema);
    name(`tables[${n}].name`, t.name);
    const key = JSON.stringify([t.schema, t.name]);
    if (seen.has(key)) problems.push([`tables[${n}]`, `${t.schema}.${t.name} is listed twice`]);
    seen.add(key);
  });
  if (i.publication !== undefined) {
    if (dialect !== 'postgres' || i.pipeMode !== 'cdc') {
      problems.push(['publication', 'applies to PostgreSQL sources with pipeMode "cdc" only: remove it']);
    } else name('publication', i.publication);
  }
  if (i.binlogRetentionHours !== undefined) {
    if (dialect !== 'mysql' || i.pipeMode !== 'cdc') {
      problems.push([
        'binlogRetentionHours',
        'applies to MySQL and MariaDB sources with pipeMode "cdc" only: remove it',
      ]);
    } else {
      const max = maxBinlogRetentionHours(i.engine, i.engineVersion) ?? {
        hours: MAX_BINLOG_RETENTION_HOURS,
        source: '',
      };
      if (
        !Number.isInteger(i.binlogRetentionHours) ||
        i.binlogRetentionHours < 1 ||
        i.binlogRetentionHours > max.hours
      ) {
        problems.push([
          'binlogRetentionHours',
          `${i.binlogRetentionHours} is out of range; expected a whole number of hours from 1 to ${max.hours}, the longest ` +
            `${ENGINES[i.engine].label} keeps binary logs (AWS, ${max.source}); ClickPipes asks for at least 24, better 72`,
        ]);
      }
    }
  }
  if (dialect === 'postgres' && i.pipeMode === 'cdc' && !i.tables && beforePostgres15(i.engineVersion)) {
    problems.push([
      'schemas',
      `a publication of whole schemas (FOR TABLES IN SCHEMA) needs PostgreSQL 15, but the engine version is "${i.engineVersion}"; list the tables instead`,
    ]);
  }
  return problems;
}
