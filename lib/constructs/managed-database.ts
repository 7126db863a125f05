import { Construct } from 'constructs';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import { ENGINES, RdsEngine } from '../rules/engines';
import { FieldProblem, throwIfProblems } from '../errors';
import { dbIdentifierProblem } from '../rules/validation';

/** How to create a database for a ClickPipes source (config `"create": { … }`). */
export interface ManagedDatabaseProps {
  /**
   * The DB instance identifier (RDS) or cluster identifier (Aurora).
   * @default the source name, in lower case
   */
  readonly identifier?: string;
  /**
   * The engine version.
   * RDS engines take a major version ("16", "8.4", "11.4"): RDS picks its newest minor version and
   * upgrades minor versions by itself, and Terraform accepts the newer minor. Aurora needs a full
   * version; with the default one, the cluster ignores `engine_version` in later plans, so that
   * AWS's automatic minor upgrades do not show as a downgrade. Give a version to manage it.
   * @default "16" (RDS PostgreSQL), "16.6" (Aurora PostgreSQL), "8.4" (MySQL),
   *   "8.0.mysql_aurora.3.08.0" (Aurora MySQL), "11.4" (MariaDB)
   */
  readonly engineVersion?: string;
  /**
   * The instance class (of the writer instance, for Aurora).
   * @default "db.t4g.micro" (RDS), "db.t4g.medium" (Aurora)
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage in GiB (RDS engines only).
   * @default 20
   */
  readonly allocatedStorage?: number;
  /**
   * Name of a database to create in it.
   * @default none (the engine's default database)
   */
  readonly dbName?: string;
  /**
   * The master user name. Its password is generated and kept by RDS in Secrets Manager
   * (`manage_master_user_password`), never in Terraform state.
   * @default "dbadmin"
   */
  readonly masterUsername?: string;
  /**
   * The DB subnet group.
   * @default the default VPC's
   */
  readonly dbSubnetGroupName?: string;
  /**
   * Security groups of the database.
   * @default the VPC's default security group
   */
  readonly vpcSecurityGroupIds?: readonly string[];
  /**
   * Days of automated backups (MySQL/MariaDB CDC reads the binary log, which needs them).
   * @default 7
   */
  readonly backupRetentionPeriod?: number;
  /**
   * Whether the database gets a public address (`publicly_accessible`), reachable from outside
   * its VPC where its security groups allow it. ClickPipes connects from public NAT addresses
   * (its static IPs), so {@link ClickPipesRdsIamAccessProps.networkAccess} needs this; the
   * alternative is AWS PrivateLink. The subnet group must be of public subnets (a route to an
   * internet gateway): the default VPC's are; RDS refuses the database when the VPC has no
   * internet gateway (RDS API, CreateDBInstance, PubliclyAccessible).
   * @default false
   */
  readonly publiclyAccessible?: boolean;
  /**
   * Whether the database refuses deletion.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** The suffix of an Aurora cluster's writer instance identifier. */
const WRITER_SUFFIX = '-writer';

/** The identifier of the database to create: the given one, or the source name in lower case. */
export const identifierOf = (name: string, props: ManagedDatabaseProps) => props.identifier ?? name.toLowerCase();

/**
 * The problems of a database to create for source `name`: its identifier (given, or the source
 * name in lower case) must be a valid RDS identifier, short enough for the Aurora writer's
 * `<identifier>-writer`.
 */
export function managedDatabaseProblems(name: string, engine: RdsEngine, props: ManagedDatabaseProps): FieldProblem[] {
  const identifier = identifierOf(name, props);
  const derived = props.identifier === undefined ? ' (derived from the source name: set identifier)' : '';
  const problem = dbIdentifierProblem(identifier);
  if (problem) return [['identifier', problem + derived]];
  const max = 63 - WRITER_SUFFIX.length;
  if (ENGINES[engine].kind === 'cluster' && identifier.length > max) {
    return [
      [
        'identifier',
        `"${identifier}" has ${identifier.length} characters; an Aurora cluster identifier has at most ${max} here, so that its writer "${identifier}${WRITER_SUFFIX}" fits RDS's 63${derived}`,
      ],
    ];
  }
  return [];
}

/** The database that {@link createManagedDatabase} made: an instance, or a cluster and its writer. */
export type ManagedDatabase =
  | { readonly instance: DbInstance; readonly cluster?: undefined }
  | { readonly cluster: RdsCluster; readonly writer: RdsClusterInstance; readonly instance?: undefined };

/**
 * Creates an encrypted, private database for a ClickPipes source, with IAM authentication on and
 * a master password managed by RDS: an `aws_db_instance` for RDS engines, or an
 * `aws_rds_cluster` with one writer `aws_rds_cluster_instance` for Aurora. Elements are named
 * `<name>_database` (and `<name>_database_writer`) in `scope`.
 */
export function createManagedDatabase(
  scope: Construct,
  name: string,
  engine: RdsEngine,
  props: ManagedDatabaseProps = {},
): ManagedDatabase {
  throwIfProblems(
    `${scope.node.path ? scope.node.path + '/' : ''}${name}_database`,
    managedDatabaseProblems(name, engine, props),
  );
  const info = ENGINES[engine];
  const identifier = identifierOf(name, props);
  const shared = {
    engine: info.terraformEngine,
    engineVersion: props.engineVersion ?? info.defaultVersion,
    iamDatabaseAuthenticationEnabled: true,
    manageMasterUserPassword: true,
    masterUsername: props.masterUsername ?? 'dbadmin',
    storageEncrypted: true,
    backupRetentionPeriod: props.backupRetentionPeriod ?? 7,
    deletionProtection: props.deletionProtection ?? true,
    copyTagsToSnapshot: true,
    finalSnapshotIdentifier: `${identifier}-final`,
    vpcSecurityGroupIds: props.vpcSecurityGroupIds ? [...props.vpcSecurityGroupIds] : undefined,
    dbSubnetGroupName: props.dbSubnetGroupName,
  };
  if (info.kind === 'instance') {
    const instance = new DbInstance(scope, `${name}_database`, {
      ...shared,
      identifier,
      dbName: props.dbName,
      instanceClass: props.instanceClass ?? info.defaultInstanceClass,
      allocatedStorage: props.allocatedStorage ?? 20,
      publiclyAccessible: props.publiclyAccessible ?? false,
    });
    return { instance };
  }
  const cluster = new RdsCluster(scope, `${name}_database`, {
    ...shared,
    clusterIdentifier: identifier,
    databaseName: props.dbName,
    // The default full version starts the cluster; AWS then upgrades its minor version
    // (auto_minor_version_upgrade), which would read as a downgrade in every later plan.
    lifecycle: props.engineVersion === undefined ? { ignoreChanges: ['engine_version'] } : undefined,
  });
  const writer = new RdsClusterInstance(scope, `${name}_database_writer`, {
    identifier: `${identifier}${WRITER_SUFFIX}`,
    clusterIdentifier: cluster.id,
    engine: info.terraformEngine,
    engineVersion: cluster.engineVersion,
    instanceClass: props.instanceClass ?? info.defaultInstanceClass,
    publiclyAccessible: props.publiclyAccessible ?? false,
    lifecycle: props.engineVersion === undefined ? { ignoreChanges: ['engine_version'] } : undefined,
  });
  return { cluster, writer };
}
