import { ENGINES, PipeMode, RdsEngine } from '../rules/engines';
import { DEFAULT_BINLOG_RETENTION_HOURS } from './setup-sql';
import { multiAzLogicalReplicationSource } from '../rules/multi-az';

/** What {@link cdcPrerequisites} describes. */
export interface CdcPrerequisiteInput {
  readonly engine: RdsEngine;
  readonly pipeMode: PipeMode;
  /** This stack creates the database and sets its parameter group and backups. */
  readonly managed: boolean;
  readonly binlogRetentionHours?: number;
  /** The database is an RDS Multi-AZ DB cluster (RDS for MySQL/PostgreSQL, not Aurora), which has a DB cluster parameter group. */
  readonly multiAzCluster?: boolean;
}

/**
 * What a database needs for a ClickPipes CDC pipe, one sentence each, from the ClickPipes source
 * guides: the replication parameters (in the cluster parameter group on Aurora), automated
 * backups for the MySQL/MariaDB binary log, the binary log retention and GTID mode. For a
 * database this stack creates, it says what the stack already sets. Empty for initial-load pipes.
 */
export function cdcPrerequisites(i: CdcPrerequisiteInput): string[] {
  if (i.pipeMode !== 'cdc') return [];
  const info = ENGINES[i.engine];
  const cluster = info.kind === 'cluster' || i.multiAzCluster === true;
  const group = cluster ? 'DB cluster parameter group' : 'DB parameter group';
  const parameters = info.cdcParameters
    .map((p) => `${p.name} = ${p.value}${p.applyMethod === 'pending-reboot' ? ' (takes a reboot)' : ''}`)
    .join(', ');
  const out = [
    i.managed ? `set by this stack: a ${group} with ${parameters}` : `set in the database's ${group}: ${parameters}`,
  ];
  // Issue 12, item 8. AWS (RDS API, CreateDBParameterGroup / CreateDBClusterParameterGroup) says to
  // wait at least 5 minutes after creating a parameter group before creating the first database
  // that uses it, or its parameters may not take effect. The stack creates both in one apply (a
  // fixed sleep would need the hashicorp/time provider and still prove nothing); instead the
  // parameters are checked after apply, and a reboot applies a group that did not take.
  out.push(verifyAfterApply(i.engine, group, i.managed, i.multiAzCluster === true));
  if (i.multiAzCluster && info.dialect === 'postgres') out.push(multiAzLogicalReplicationSource());
  if (info.dialect === 'postgres') {
    out.push(
      'PostgreSQL 12 or later (ClickPipes reads 12 and later; rds.iam_auth_for_replication exists from 11)',
      'every table of the publication has a primary key or REPLICA IDENTITY FULL',
    );
    if (i.engine === 'aurora-postgres') {
      out.push(
        'wal_sender_timeout is left at its default: an earlier ClickHouse Aurora guide set it to 0 in the DB cluster parameter ' +
          'group, the current one (clickhouse.com/docs/integrations/clickpipes/postgres/source/aurora) no longer does; set it ' +
          'to 0 there only if ClickPipes reports replication connections timing out',
      );
    }
    return out;
  }
  if (info.kind === 'instance') {
    out.push(
      i.managed
        ? 'set by this stack: automated backups (they turn the binary log on)'
        : 'automated backups on (backup retention period of 1 day or more): they turn the binary log on',
    );
  }
  out.push(
    `binary log retention of ${i.binlogRetentionHours ?? DEFAULT_BINLOG_RETENTION_HOURS} hours: the CALL mysql.rds_set_configuration of the setup SQL`,
    i.engine === 'rds-mariadb'
      ? 'GTID mode: on by default on MariaDB'
      : 'recommended: gtid-mode = ON and enforce_gtid_consistency = ON (takes a reboot)',
  );
  return out;
}

/** How to check, after apply, that the CDC parameters took effect, and the fix when not. */
function verifyAfterApply(engine: RdsEngine, group: string, managed: boolean, multiAzCluster: boolean): string {
  const info = ENGINES[engine];
  const check =
    info.dialect === 'postgres'
      ? 'SHOW rds.logical_replication; (expect on) and SHOW rds.iam_auth_for_replication; (expect on)'
      : 'SELECT @@binlog_format, @@binlog_row_image, @@binlog_row_metadata; (expect ROW, FULL, FULL)';
  const reboot = multiAzCluster
    ? 'aws rds reboot-db-cluster --db-cluster-identifier <identifier>'
    : info.kind === 'cluster'
      ? 'aws rds reboot-db-instance --db-instance-identifier <writer instance>'
      : 'aws rds reboot-db-instance --db-instance-identifier <identifier>';
  const why = managed
    ? `AWS advises waiting 5 minutes between creating a ${group} and the database that uses it (RDS API, CreateDBParameterGroup), and this stack creates both in one apply`
    : `a ${group} applies static parameters only after a reboot`;
  return `verify after apply, as the master user: ${check}; if not, reboot (${reboot}): ${why}`;
}

/** The lowest MariaDB version with `binlog_row_metadata` (10.5.0). */
const MIN_MARIADB_FOR_CDC = [10, 5] as const;
/** The lowest MySQL version with `binlog_row_metadata` (8.0.1). */
const MIN_MYSQL_FOR_CDC = [8, 0] as const;

/**
 * The problem with a literal engine version for CDC, or undefined: MySQL/MariaDB CDC needs
 * `binlog_row_metadata = FULL`, which exists from MySQL 8.0 (Aurora MySQL 3) and MariaDB 10.5.
 */
export function cdcEngineVersionProblem(engine: RdsEngine, version: string): string | undefined {
  const info = ENGINES[engine];
  if (info.dialect === 'postgres') return undefined;
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  const [minMajor, minMinor] = engine === 'rds-mariadb' ? MIN_MARIADB_FOR_CDC : MIN_MYSQL_FOR_CDC;
  if (major > minMajor || (major === minMajor && minor >= minMinor)) return undefined;
  const needed =
    engine === 'rds-mariadb' ? 'MariaDB 10.5' : engine === 'aurora-mysql' ? 'Aurora MySQL 3 (MySQL 8.0)' : 'MySQL 8.0';
  return (
    `"cdc" needs binlog_row_metadata = FULL, which exists from ${needed}, but the engine version is "${version}"; ` +
    'upgrade the database, or use "initial-load"'
  );
}

/**
 * The first step of the ClickPipes guide "AWS IAM DB authentication (RDS/Aurora)" ("Enabling IAM
 * DB authentication") for a database this stack does not create: turn IAM database
 * authentication on, with the AWS CLI command that does it. Empty for a database of the stack
 * (the stack turns it on). A looked-up Aurora cluster is also checked at plan time.
 */
export function iamAuthPrerequisites(
  engine: RdsEngine,
  managed: boolean,
  identifier?: string,
  multiAzCluster = false,
): string[] {
  if (managed) return [];
  const cluster = ENGINES[engine].kind === 'cluster' || multiAzCluster;
  const id = identifier ?? '<identifier>';
  const command = cluster
    ? `aws rds modify-db-cluster --db-cluster-identifier ${id} --enable-iam-database-authentication --apply-immediately`
    : `aws rds modify-db-instance --db-instance-identifier ${id} --enable-iam-database-authentication --apply-immediately`;
  return [
    `IAM database authentication on for the ${multiAzCluster ? 'Multi-AZ DB cluster' : cluster ? 'Aurora cluster' : 'DB instance'} (the ClickPipes guide's first step, ` +
      `"Enabling IAM DB authentication"; without it CREATE USER ... AWSAuthenticationPlugin fails with ERROR 1524 on MySQL/MariaDB ` +
      `and IAM logins fail on PostgreSQL): ${command}`,
  ];
}
