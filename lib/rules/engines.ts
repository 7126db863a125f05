/**
 * What this library knows about each RDS/Aurora engine that ClickPipes reads with IAM database
 * authentication.
 */

/** The ClickPipes source types for RDS and Aurora. */
export const RDS_ENGINES = ['rds-postgres', 'aurora-postgres', 'rds-mysql', 'aurora-mysql', 'rds-mariadb'] as const;
export type RdsEngine = (typeof RDS_ENGINES)[number];

/** ClickPipes pipe modes: *Initial Load Only*, or *CDC* (initial load plus continuous replication). */
export const PIPE_MODES = ['initial-load', 'cdc'] as const;
export type PipeMode = (typeof PIPE_MODES)[number];

export interface EngineInfo {
  /** SQL dialect of the database user statements. */
  readonly dialect: 'postgres' | 'mysql';
  /** IAM auth is granted on a DB instance (`db-…`) or on an Aurora cluster (`cluster-…`). */
  readonly kind: 'instance' | 'cluster';
  /** The `engine` argument of `aws_db_instance` / `aws_rds_cluster`. */
  readonly terraformEngine: string;
  /** Readable name for messages. */
  readonly label: string;
  /** Longest database user name the engine accepts. */
  readonly maxUserLength: number;
  /**
   * `engine_version` of a database this library creates when none is given: a major version in
   * standard support where RDS accepts one (RDS picks the newest minor and upgrades it), else a
   * full Aurora version that the created cluster then ignores in plans (see managed-database.ts).
   */
  readonly defaultVersion: string;
  /** Default `instance_class` of a database this library creates. */
  readonly defaultInstanceClass: string;
  /** The parameter group family for an engine version, e.g. `postgres16`, `aurora-mysql8.0`. */
  family(version: string): string;
  /** Parameters that CDC needs, with whether a reboot applies them. */
  readonly cdcParameters: readonly CdcParameter[];
}

export interface CdcParameter {
  readonly name: string;
  readonly value: string;
  /** Static parameters need `pending-reboot`; dynamic ones apply `immediate`ly. */
  readonly applyMethod: 'immediate' | 'pending-reboot';
}

/** The major version of a PostgreSQL version string (`16.4` → 16, `9.6.22` → 9), or undefined. */
export function postgresMajor(version: string): number | undefined {
  const m = /^(\d+)(?:\.|$)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

const majorMinor = (version: string): string => {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`cannot read a major.minor version from "${version}"`);
  return `${m[1]}.${m[2]}`;
};

// wal_sender_timeout: the ClickHouse Aurora Postgres guide in clickhouse-docs (commit d21a0844,
// docs/integrations/data-ingestion/clickpipes/postgres/source/aurora.md) asked for
// wal_sender_timeout = 0 besides rds.logical_replication; the current page
// (https://clickhouse.com/docs/integrations/clickpipes/postgres/source/aurora, read 2026-12-02)
// asks for rds.logical_replication = 1 only. The newer page wins: not set here, and the CDC
// prerequisites say so (lib/database/cdc-prerequisites.ts).
const POSTGRES_CDC: readonly CdcParameter[] = [
  { name: 'rds.logical_replication', value: '1', applyMethod: 'pending-reboot' },
  { name: 'rds.iam_auth_for_replication', value: '1', applyMethod: 'immediate' },
];
const MYSQL_CDC: readonly CdcParameter[] = [
  { name: 'binlog_format', value: 'ROW', applyMethod: 'immediate' },
  { name: 'binlog_row_image', value: 'FULL', applyMethod: 'immediate' },
  { name: 'binlog_row_metadata', value: 'FULL', applyMethod: 'immediate' },
];

export const ENGINES: Readonly<Record<RdsEngine, EngineInfo>> = {
  'rds-postgres': {
    dialect: 'postgres',
    kind: 'instance',
    terraformEngine: 'postgres',
    label: 'RDS for PostgreSQL',
    maxUserLength: 63,
    defaultVersion: '16',
    defaultInstanceClass: 'db.t4g.micro',
    family: (v) => `postgres${postgresMajor(v)}`,
    cdcParameters: POSTGRES_CDC,
  },
  'aurora-postgres': {
    dialect: 'postgres',
    kind: 'cluster',
    terraformEngine: 'aurora-postgresql',
    label: 'Aurora PostgreSQL',
    maxUserLength: 63,
    defaultVersion: '16.6',
    defaultInstanceClass: 'db.t4g.medium',
    family: (v) => `aurora-postgresql${postgresMajor(v)}`,
    cdcParameters: POSTGRES_CDC,
  },
  'rds-mysql': {
    dialect: 'mysql',
    kind: 'instance',
    terraformEngine: 'mysql',
    label: 'RDS for MySQL',
    maxUserLength: 32,
    // 8.0 left RDS standard support on 2026-07-31 (Amazon RDS for MySQL release calendar); 8.4 is the LTS.
    defaultVersion: '8.4',
    defaultInstanceClass: 'db.t4g.micro',
    family: (v) => `mysql${majorMinor(v)}`,
    cdcParameters: MYSQL_CDC,
  },
  'aurora-mysql': {
    dialect: 'mysql',
    kind: 'cluster',
    terraformEngine: 'aurora-mysql',
    label: 'Aurora MySQL',
    maxUserLength: 32,
    defaultVersion: '8.0.mysql_aurora.3.08.0',
    defaultInstanceClass: 'db.t4g.medium',
    // Aurora MySQL versions read "8.0.mysql_aurora.3.08.0": the family is the MySQL part.
    family: (v) => `aurora-mysql${majorMinor(v)}`,
    cdcParameters: MYSQL_CDC,
  },
  'rds-mariadb': {
    dialect: 'mysql',
    kind: 'instance',
    terraformEngine: 'mariadb',
    label: 'RDS for MariaDB',
    maxUserLength: 80,
    // 11.4 (LTS): IAM DB authentication in every Region that offers it for MariaDB, where 10.11 is
    // missing in some (data/rds-iam-auth-support.json).
    defaultVersion: '11.4',
    defaultInstanceClass: 'db.t4g.micro',
    family: (v) => `mariadb${majorMinor(v)}`,
    cdcParameters: MYSQL_CDC,
  },
};

/** The lowest PostgreSQL major version with `rds.iam_auth_for_replication` (CDC over IAM). */
export const MIN_POSTGRES_FOR_IAM_CDC = 11;

/** The problem with an engine version string, or undefined. */
export function engineVersionProblem(engine: RdsEngine, version: string): string | undefined {
  const ok =
    ENGINES[engine].dialect === 'postgres'
      ? /^\d+(\.\d+)*$/.test(version)
      : engine === 'aurora-mysql'
        ? /^\d+\.\d+\.mysql_aurora\.\d+\.\d+\.\d+$/.test(version)
        : /^\d+\.\d+(\.\d+)?$/.test(version);
  if (ok) return undefined;
  const example = ENGINES[engine].defaultVersion;
  return `${JSON.stringify(version)} is not an engine version of ${ENGINES[engine].label}; expected one like "${example}"`;
}
