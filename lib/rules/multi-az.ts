/**
 * RDS Multi-AZ DB clusters (not Aurora): a writer and two reader DB instances named by a DB
 * cluster identifier, with a cluster resource ID (`cluster-…`) that the `rds-db:connect` ARN
 * names, and a DB cluster parameter group (family `postgres16`, `mysql8.0`: the RDS engine's).
 * The facts live in `data/rds-multi-az-db-clusters.json` (source pages and date).
 *
 * This library looks existing Multi-AZ DB clusters up and grants on them; it does not create
 * them (a source's `create` makes a DB instance), so their CDC parameters are the user's to set.
 */
import data = require('../../data/rds-multi-az-db-clusters.json');
import { RdsEngine } from './engines';
import { majorMinorOf } from './support';

/** The data file `data/rds-multi-az-db-clusters.json`. */
export const RDS_MULTI_AZ_DB_CLUSTERS: {
  readonly version: string;
  readonly sources: Readonly<
    Record<string, { readonly title: string; readonly url: string; readonly retrieved: string }>
  >;
  readonly engines: readonly string[];
  readonly postgresLogicalReplicationMinimum: Readonly<Record<string, string>>;
} = data as never;

/** Whether AWS offers Multi-AZ DB clusters for this (RDS, not Aurora) engine: MySQL and PostgreSQL. */
export function hasMultiAzDbClusters(engine: RdsEngine): boolean {
  return RDS_MULTI_AZ_DB_CLUSTERS.engines.includes(engine);
}

/**
 * The lowest `[major, minor]` per PostgreSQL major (the data names the revision, `14.8-R2`,
 * which `engine_version` does not show: a check passes 14.8 R1, and the message names R2) with logical replication on a Multi-AZ DB
 * cluster; majors above the highest listed are supported from their first minor.
 */
export function multiAzLogicalReplicationMinimums(): [number, number][] {
  return Object.values(RDS_MULTI_AZ_DB_CLUSTERS.postgresLogicalReplicationMinimum).map((v) => majorMinorOf(v)!);
}

/** The problem with running CDC (logical replication) on a Multi-AZ DB cluster of this PostgreSQL version, or undefined. */
export function multiAzLogicalReplicationProblem(version: string): string | undefined {
  const v = majorMinorOf(version);
  if (!v) return undefined;
  const minimums = multiAzLogicalReplicationMinimums();
  const top = Math.max(...minimums.map(([major]) => major));
  const own = minimums.find(([major]) => major === v[0]);
  const ok = v[0] > top || (own !== undefined && v[1] >= own[1]);
  if (ok) return undefined;
  const listed = Object.values(RDS_MULTI_AZ_DB_CLUSTERS.postgresLogicalReplicationMinimum).join(', ');
  return (
    `"cdc" reads the PostgreSQL write-ahead log with logical replication, which a Multi-AZ DB cluster supports from ` +
    `${listed} on (${RDS_MULTI_AZ_DB_CLUSTERS.sources.logicalReplication.url}), ` +
    `but the engine version is "${version}": upgrade the DB cluster, or use "initial-load"`
  );
}

/** The sentence of a Multi-AZ DB cluster's logical replication minimum, for HCL messages (no double quotes). */
export function multiAzLogicalReplicationSource(): string {
  const listed = Object.values(RDS_MULTI_AZ_DB_CLUSTERS.postgresLogicalReplicationMinimum).join(', ');
  return `a Multi-AZ DB cluster supports logical replication from RDS for PostgreSQL ${listed} on (Amazon RDS User Guide, ${RDS_MULTI_AZ_DB_CLUSTERS.sources.logicalReplication.url})`;
}
