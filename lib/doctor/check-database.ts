/**
 * The database side of a source, logged in as the ClickPipes user: the user authenticates, its
 * role memberships, each grant of the setup SQL, the publication and the tables it covers, and the
 * replication settings (`wal_level`, `binlog_format`, `binlog_row_image`, `binlog_row_metadata`,
 * the binary log retention). Each fix is the statement of the setup SQL that is missing.
 */
import type { RdsSourceConfig } from '../config/config';
import { ENGINES, RdsEngine } from '../rules/engines';
import { quoteMysqlString, quotePostgresIdentifier as q } from '../database/database-user-sql';
import {
  DEFAULT_BINLOG_RETENTION_HOURS,
  DEFAULT_PUBLICATION,
  mysqlGrantDatabase,
  quoteMysqlIdentifier,
  setupSqlStatements,
} from '../database/setup-sql';
import { CA_BUNDLE_MISSING, DatabaseLogin, DatabaseSession, DatabaseTarget } from './database-login';
import { CA_BUNDLE_URL } from '../database/connect';
import { Check, check, fail, pass } from './model';

/** What the source asks of its database (the inputs of its setup SQL). */
export interface DatabaseExpectation {
  readonly source: RdsSourceConfig;
  readonly dbUser: string;
}

/** `wal_level` as PostgreSQL reports it: `logical` is what `rds.logical_replication = 1` sets. */
export function walLevelCheck(value: string): Check {
  return check(
    'wal_level = logical',
    value === 'logical',
    'set rds.logical_replication = 1 in the DB (cluster) parameter group and reboot the database',
    value === 'logical' ? undefined : `is ${value}`,
  );
}

/** A MySQL/MariaDB replication setting read from `@@GLOBAL`. */
export function mysqlSettingCheck(name: string, wanted: string, value: string | undefined): Check {
  return check(
    `${name} = ${wanted}`,
    value?.toUpperCase() === wanted,
    `set ${name} = ${wanted} in the DB (cluster) parameter group (aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=${name},ParameterValue=${wanted},ApplyMethod=immediate")`,
    value?.toUpperCase() === wanted ? undefined : `is ${value ?? 'not set'}`,
  );
}

/** Logs in and checks; a failed login is the one failed check. */
export async function databaseChecks(
  login: DatabaseLogin,
  target: DatabaseTarget,
  e: DatabaseExpectation,
): Promise<Check[]> {
  const engine = e.source.type as RdsEngine;
  const postgres = ENGINES[engine].dialect === 'postgres';
  const name = `database user ${e.dbUser} logs in (${postgres ? 'PostgreSQL' : 'MySQL protocol'} at ${target.host}:${target.port})`;
  let session: DatabaseSession;
  try {
    session = await login(target);
  } catch (err) {
    return [fail(name, loginFix(err as Error & { code?: string }, target, e), (err as Error).message.split('\n')[0])];
  }
  try {
    const rest = postgres ? await postgresChecks(session, e) : await mysqlChecks(session, e);
    return [pass(name), ...rest];
  } finally {
    await session.close().catch(() => undefined);
  }
}

/** The fix of a failed login: the CA bundle, the network, or the user (created by the setup SQL). */
function loginFix(err: Error & { code?: string }, target: DatabaseTarget, e: DatabaseExpectation): string {
  if (err.code === CA_BUNDLE_MISSING)
    return `download the RDS CA bundle (curl -O ${CA_BUNDLE_URL}), or give its path with --ca-bundle`;
  if (
    /^(ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ECONNRESET)$/.test(err.code ?? '') ||
    /timeout/i.test(err.message)
  )
    return `cannot reach ${target.host}:${target.port} from here: run the doctor where the database is reachable (its VPC, or a public database with this machine's IP allowed)`;
  const engine = e.source.type as RdsEngine;
  const statements = setupSqlStatements({ engine, dbUser: e.dbUser, pipeMode: e.source.pipeMode ?? 'initial-load' });
  const user = statements.slice(0, ENGINES[engine].dialect === 'postgres' ? 2 : 1);
  return `as the master user: ${user.join(' ')} (then run the source's setup SQL); with IAM, also IAM database authentication on and rds-db:connect for your identity`;
}

const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 't';

async function postgresChecks(s: DatabaseSession, e: DatabaseExpectation): Promise<Check[]> {
  const { source, dbUser } = e;
  const user = q(dbUser);
  const cdc = source.pipeMode === 'cdc';
  const checks: Check[] = [];
  const one = async (sql: string, params: unknown[] = []) => Object.values((await s.query(sql, params))[0] ?? {})[0];
  for (const role of cdc ? ['rds_iam', 'rds_replication'] : ['rds_iam']) {
    const member = await one(
      `SELECT EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
        WHERE r.rolname = $1 AND u.rolname = current_user)`,
      [role],
    );
    checks.push(check(`${dbUser} is a member of ${role}`, bool(member), `GRANT ${role} TO ${user};`));
  }
  const schemas = source.tables ? [] : (source.schemas ?? ['public']);
  for (const schema of [...schemas, ...new Set((source.tables ?? []).map((t) => t.schema))]) {
    const usage = await one(`SELECT COALESCE(has_schema_privilege(to_regnamespace($1), 'USAGE'), false)`, [q(schema)]);
    checks.push(check(`USAGE on schema ${schema}`, bool(usage), `GRANT USAGE ON SCHEMA ${q(schema)} TO ${user};`));
  }
  for (const schema of schemas) {
    const rows = await s.query(
      `SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND NOT has_table_privilege(format('%I.%I', schemaname, tablename), 'SELECT') ORDER BY 1`,
      [schema],
    );
    checks.push(
      check(
        `SELECT on every table of schema ${schema}`,
        rows.length === 0,
        `GRANT SELECT ON ALL TABLES IN SCHEMA ${q(schema)} TO ${user};`,
        rows.length ? `not on ${rows.map((r) => r.t).join(', ')}` : undefined,
      ),
    );
    const defaults = await one(
      `SELECT EXISTS (SELECT FROM pg_default_acl d, aclexplode(d.defaclacl) a
        WHERE d.defaclnamespace = to_regnamespace($1) AND d.defaclobjtype = 'r' AND a.privilege_type = 'SELECT'
          AND a.grantee = (SELECT oid FROM pg_roles WHERE rolname = current_user))`,
      [q(schema)],
    );
    checks.push(
      check(
        `SELECT on tables created later in schema ${schema} (default privileges)`,
        bool(defaults),
        `ALTER DEFAULT PRIVILEGES IN SCHEMA ${q(schema)} GRANT SELECT ON TABLES TO ${user};`,
      ),
    );
  }
  for (const t of source.tables ?? []) {
    const ok = await one(`SELECT COALESCE(has_table_privilege(to_regclass($1), 'SELECT'), false)`, [
      `${q(t.schema)}.${q(t.name)}`,
    ]);
    checks.push(
      check(
        `SELECT on table ${t.schema}.${t.name}`,
        bool(ok),
        `GRANT SELECT ON TABLE ${q(t.schema)}.${q(t.name)} TO ${user};`,
      ),
    );
  }
  if (cdc) {
    const publication = source.publication ?? DEFAULT_PUBLICATION;
    const create = setupSqlStatements({ ...source, engine: source.type, dbUser, pipeMode: 'cdc' }).find((x) =>
      x.startsWith('CREATE PUBLICATION'),
    )!;
    const exists = bool(await one(`SELECT EXISTS (SELECT FROM pg_publication WHERE pubname = $1)`, [publication]));
    checks.push(check(`publication ${publication} exists`, exists, create));
    if (exists) {
      const missing = await s.query(
        source.tables
          ? `SELECT format('%I.%I', x.s, x.t) AS t FROM unnest($2::text[], $3::text[]) AS x(s, t)
              WHERE NOT EXISTS (SELECT FROM pg_publication_tables p WHERE p.pubname = $1 AND p.schemaname = x.s AND p.tablename = x.t) ORDER BY 1`
          : `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = ANY($2::text[])
              AND NOT EXISTS (SELECT FROM pg_publication_tables p WHERE p.pubname = $1 AND p.schemaname = pg_tables.schemaname AND p.tablename = pg_tables.tablename) ORDER BY 1`,
        source.tables
          ? [publication, source.tables.map((t) => t.schema), source.tables.map((t) => t.name)]
          : [publication, schemas],
      );
      const list = missing.map((r) => String(r.t));
      checks.push(
        check(
          `publication ${publication} covers ${source.tables ? 'the listed tables' : `every table of ${schemas.join(', ')}`}`,
          list.length === 0,
          source.tables
            ? `ALTER PUBLICATION ${q(publication)} ADD TABLE ${list.join(', ')};`
            : `ALTER PUBLICATION ${q(publication)} ADD TABLES IN SCHEMA ${schemas.map(q).join(', ')};`,
          list.length ? `missing ${list.join(', ')}` : undefined,
        ),
      );
    }
    checks.push(walLevelCheck(String(await one(`SELECT current_setting('wal_level')`))));
  }
  return checks;
}

/** A MySQL/MariaDB database name as information_schema shows a database-level grant (`_`, `%`, `\` escaped). */
const grantedName = (name: string) => name.replace(/[\\_%]/g, (c) => `\\${c}`);

async function mysqlChecks(s: DatabaseSession, e: DatabaseExpectation): Promise<Check[]> {
  const { source, dbUser } = e;
  const user = quoteMysqlString(dbUser);
  const cdc = source.pipeMode === 'cdc';
  const checks: Check[] = [];
  // With SELECT on mysql.*, information_schema shows every account's privileges: only the user's own count.
  const mine = `GRANTEE = (SELECT CONCAT("'", LEFT(u, LENGTH(u) - LENGTH(SUBSTRING_INDEX(u, '@', -1)) - 1), "'@'", SUBSTRING_INDEX(u, '@', -1), "'") FROM (SELECT CURRENT_USER() AS u) c)`;
  const global = (
    await s.query(`SELECT PRIVILEGE_TYPE AS p FROM information_schema.USER_PRIVILEGES WHERE ${mine}`)
  ).map((r) => String(r.p));
  const schemaGrants = (
    await s.query(
      `SELECT TABLE_SCHEMA AS s FROM information_schema.SCHEMA_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SELECT' AND ${mine}`,
    )
  ).map((r) => String(r.s));
  const tableGrants = (
    await s.query(
      `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLE_PRIVILEGES WHERE PRIVILEGE_TYPE = 'SELECT' AND ${mine}`,
    )
  ).map((r) => `${r.s}.${r.t}`);
  const selectAll = global.includes('SELECT');
  const onDatabase = (db: string) => selectAll || schemaGrants.includes(grantedName(db)) || schemaGrants.includes(db);
  checks.push(check('SELECT on the mysql database', onDatabase('mysql'), `GRANT SELECT ON \`mysql\`.* TO ${user};`));
  for (const db of source.tables ? [] : (source.schemas ?? [])) {
    checks.push(
      check(`SELECT on database ${db}`, onDatabase(db), `GRANT SELECT ON ${mysqlGrantDatabase(db)}.* TO ${user};`),
    );
  }
  for (const t of source.tables ?? []) {
    checks.push(
      check(
        `SELECT on table ${t.schema}.${t.name}`,
        onDatabase(t.schema) || tableGrants.includes(`${t.schema}.${t.name}`),
        `GRANT SELECT ON ${quoteMysqlIdentifier(t.schema)}.${quoteMysqlIdentifier(t.name)} TO ${user};`,
      ),
    );
  }
  if (!cdc) return checks;
  // MariaDB 10.5 renamed REPLICATION CLIENT to BINLOG MONITOR (the old name is an alias).
  const client = global.includes('REPLICATION CLIENT') || global.includes('BINLOG MONITOR');
  checks.push(check('REPLICATION CLIENT', client, `GRANT REPLICATION CLIENT ON *.* TO ${user};`));
  checks.push(
    check('REPLICATION SLAVE', global.includes('REPLICATION SLAVE'), `GRANT REPLICATION SLAVE ON *.* TO ${user};`),
  );
  const [settings] = await s.query('SELECT @@GLOBAL.binlog_format AS f, @@GLOBAL.binlog_row_image AS i');
  checks.push(mysqlSettingCheck('binlog_format', 'ROW', settings?.f as string | undefined));
  checks.push(mysqlSettingCheck('binlog_row_image', 'FULL', settings?.i as string | undefined));
  const metadata = await s.query(`SHOW GLOBAL VARIABLES LIKE 'binlog_row_metadata'`);
  if (metadata.length)
    checks.push(mysqlSettingCheck('binlog_row_metadata', 'FULL', String(Object.values(metadata[0])[1])));
  const hours = source.binlogRetentionHours ?? DEFAULT_BINLOG_RETENTION_HOURS;
  const set = `CALL mysql.rds_set_configuration('binlog retention hours', ${hours});`;
  const name = `binary log retention of at least ${hours} hours`;
  try {
    // What mysql.rds_show_configuration shows; readable with the SELECT on mysql.* of the setup SQL.
    const [row] = await s.query(`SELECT value AS v FROM mysql.rds_configuration WHERE name = 'binlog retention hours'`);
    const value = row?.v === null || row?.v === undefined ? undefined : Number(row.v);
    checks.push(
      check(
        name,
        value !== undefined && value >= hours,
        `as the master user: ${set}`,
        `is ${value ?? 'NULL (RDS purges binary logs soon after use)'}`,
      ),
    );
  } catch (err) {
    checks.push(
      fail(
        name,
        `as the master user: CALL mysql.rds_show_configuration; and if needed ${set}`,
        (err as Error).message.split('\n')[0],
      ),
    );
  }
  return checks;
}
