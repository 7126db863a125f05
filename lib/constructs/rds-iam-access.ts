import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import { ClickPipesAccessRole, ClickPipesAccessRoleProps, literal } from './clickpipes-access-role';
import { cdcEngineVersionProblem, cdcPrerequisites, iamAuthPrerequisites } from '../database/cdc-prerequisites';
import { databaseUserSql } from '../database/database-user-sql';
import { CheckedDbInstanceLookup, CheckedRdsClusterLookup, lookupConditions } from './database-lookup';
import {
  ClickPipesNetworkAccess,
  ClickPipesNetworkAccessOptions,
  DEFAULT_DB_PORTS,
  networkAccessProblems,
} from './network-access';
import { ClickPipesGrantsProps, SetupSqlInput, grantsProblems, setupSqlLine } from '../database/setup-sql';
import { FieldProblem } from '../errors';
import {
  ENGINES,
  EngineInfo,
  MIN_POSTGRES_FOR_IAM_CDC,
  PipeMode,
  RDS_ENGINES,
  RdsEngine,
  engineVersionProblem,
  postgresMajor,
} from '../rules/engines';
import { dbUserProblem, regionProblem, resourceIdProblem } from '../rules/validation';
import { clickPipesVersionProblem, iamAuthSupportProblem } from '../rules/support';
import { RDS_MULTI_AZ_DB_CLUSTERS, hasMultiAzDbClusters, multiAzLogicalReplicationProblem } from '../rules/multi-az';

/** The database user ClickPipes logs in as, as the ClickPipes guide names it. */
export const DEFAULT_DB_USER = 'clickpipes_iam_user';

/** Props of {@link ClickPipesRdsIamAccess}: the engine, exactly one way to name the database, and the grant. */
export interface ClickPipesRdsIamAccessProps extends ClickPipesAccessRoleProps, ClickPipesGrantsProps {
  /** The ClickPipes source type. */
  readonly engine: RdsEngine;
  /**
   * A DB instance of this stack (RDS engines). The construct turns
   * `iam_database_authentication_enabled` on and, for CDC, gives it a DB parameter group with
   * the replication parameters.
   */
  readonly instance?: DbInstance;
  /**
   * An Aurora cluster of this stack (Aurora engines). The construct turns
   * `iam_database_authentication_enabled` on and, for CDC, gives it a cluster parameter group
   * with the replication parameters.
   */
  readonly cluster?: RdsCluster;
  /** The identifier of an existing DB instance (RDS engines), looked up with the `aws_db_instance` data source. */
  readonly dbInstanceIdentifier?: string;
  /**
   * The identifier of an existing DB cluster, looked up with the `aws_rds_cluster` data source:
   * an Aurora cluster (Aurora engines) or an RDS Multi-AZ DB cluster (`rds-postgres`,
   * `rds-mysql`; AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only). IAM
   * authentication is granted on the cluster resource ID.
   */
  readonly dbClusterIdentifier?: string;
  /**
   * The resource ID of an existing database: `db-…` (instance, `DbiResourceId`) for RDS engines,
   * `cluster-…` (`DbClusterResourceId`) for Aurora and for a Multi-AZ DB cluster of
   * `rds-postgres`/`rds-mysql`.
   */
  readonly resourceId?: string;
  /**
   * The database user ClickPipes connects as.
   * @default "clickpipes_iam_user"
   */
  readonly dbUser?: string;
  /**
   * The ClickPipes pipe mode. PostgreSQL engines run `cdc` over IAM only from PostgreSQL 11 with
   * `rds.iam_auth_for_replication = 1` and `rds.logical_replication = 1`.
   * @default "initial-load"
   */
  readonly pipeMode?: PipeMode;
  /**
   * For `cdc` on an existing PostgreSQL database (or an instance/cluster of this stack that has
   * its own parameter group): states that `rds.iam_auth_for_replication = 1` and
   * `rds.logical_replication = 1` are set on it. This library cannot check it.
   * @default false
   */
  readonly iamAuthForReplication?: boolean;
  /**
   * The engine version of an existing database. Optional; when given, `cdc` on PostgreSQL below
   * 11 is refused at synth time.
   * @default unknown
   */
  readonly engineVersion?: string;
  /**
   * Ingress on the database port from the ClickPipes static IPs of the ClickHouse service's
   * region ({@link ClickPipesNetworkAccess}).
   * @default no security group rules
   */
  readonly networkAccess?: ClickPipesNetworkAccessOptions;
}

/** A parameter group name (letters, digits, single hyphens) from a construct id and a family. */
function parameterGroupName(id: string, family: string): string {
  const base = `${id}-clickpipes-${family}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(base) ? base : `cp-${base}`;
}

/** The way a source names its database. */
export type RdsDatabaseForm = 'instance' | 'cluster' | 'dbInstanceIdentifier' | 'dbClusterIdentifier' | 'resourceId';
const FORMS: readonly RdsDatabaseForm[] = [
  'instance',
  'cluster',
  'dbInstanceIdentifier',
  'dbClusterIdentifier',
  'resourceId',
];

/** What {@link rdsAccessProblems} checks, as plain values. */
export interface RdsAccessRuleInput {
  readonly engine: RdsEngine;
  /** The forms given (exactly one is valid). */
  readonly forms: readonly RdsDatabaseForm[];
  readonly resourceId?: string;
  readonly dbUser: string;
  readonly pipeMode: PipeMode;
  readonly iamAuthForReplication?: boolean;
  /** A literal engine version, when known. */
  readonly engineVersion?: string;
  /**
   * A literal Region of the database, when known: IAM DB authentication is not offered in every
   * Region for every engine version ({@link iamAuthSupportProblem}).
   */
  readonly region?: string;
  /** The database is created in the same stack and the construct may set its parameters. */
  readonly managedParameters: boolean;
  /** What the caller calls each form, for messages (the config calls `instance`/`cluster` "create"). */
  readonly formNames?: Partial<Record<RdsDatabaseForm, string>>;
  /** The grants: schemas or tables, publication, binlog retention. */
  readonly grants?: ClickPipesGrantsProps;
  readonly networkAccess?: ClickPipesNetworkAccessOptions;
  /** The security groups of a database of the same stack, which network access defaults to. */
  readonly databaseSecurityGroupIds?: readonly string[];
  /** Whether a database of the same stack is publicly accessible (undefined: not of this stack, or unknown). */
  readonly publiclyAccessible?: boolean;
}

/** The database is a DB cluster: Aurora, or a Multi-AZ DB cluster named by identifier or `cluster-` resource ID. */
function onCluster(i: Pick<RdsAccessRuleInput, 'engine' | 'forms' | 'resourceId'>): boolean {
  return (
    ENGINES[i.engine].kind === 'cluster' ||
    i.forms.includes('dbClusterIdentifier') ||
    i.forms.includes('cluster') ||
    (i.forms.includes('resourceId') && i.resourceId?.startsWith('cluster-') === true)
  );
}

/** The database is an RDS (not Aurora) Multi-AZ DB cluster. */
export function isMultiAzCluster(i: Pick<RdsAccessRuleInput, 'engine' | 'forms' | 'resourceId'>): boolean {
  return ENGINES[i.engine].kind === 'instance' && onCluster(i);
}

/**
 * The rules of an RDS/Aurora ClickPipes source, shared by the construct and the config schema.
 * `dbInstanceIdentifier`/`instance` go with RDS engines, `dbClusterIdentifier`/`cluster` with
 * Aurora; PostgreSQL `cdc` needs replication over IAM (PostgreSQL ≥ 11 and the two parameters).
 */
export function rdsAccessProblems(i: RdsAccessRuleInput): FieldProblem[] {
  const info = ENGINES[i.engine];
  const problems: FieldProblem[] = [];
  const name = (form: RdsDatabaseForm) => i.formNames?.[form] ?? form;
  // RDS for MySQL/PostgreSQL also run as Multi-AZ DB clusters (existing ones only: see multi-az.ts).
  const multiAz = hasMultiAzDbClusters(i.engine);
  const good: RdsDatabaseForm[] =
    info.kind === 'instance'
      ? ['instance', 'dbInstanceIdentifier', ...(multiAz ? (['dbClusterIdentifier'] as const) : [])]
      : ['cluster', 'dbClusterIdentifier'];
  if (i.forms.length !== 1) {
    const ways = [...new Set([good[1], 'resourceId', good[0]].map((f) => name(f as RdsDatabaseForm)))]
      .concat(good.length > 2 ? [`${name('dbClusterIdentifier')} (a Multi-AZ DB cluster)`] : [])
      .join(', ');
    problems.push([
      'database',
      i.forms.length === 0
        ? `name the database in exactly one way: ${ways}`
        : `name the database in exactly one way, not with ${i.forms.map(name).join(' and ')}`,
    ]);
  } else if (i.forms[0] !== 'resourceId' && !good.includes(i.forms[0])) {
    const wrong = i.forms[0];
    const right = name(wrong === 'instance' || wrong === 'cluster' ? good[0] : good[1]);
    problems.push([
      wrong,
      info.kind === 'cluster'
        ? `${i.engine} is an Aurora cluster engine, and IAM authentication is granted on the cluster: use ${right} (or resourceId "cluster-…")`
        : multiAz
          ? `${i.engine} on a Multi-AZ DB cluster of this stack is not set up by this library (it creates DB instances ` +
            'only, and cannot set the DB cluster parameter group and IAM authentication of a cluster it does not own): ' +
            `use ${right}, or name an existing Multi-AZ DB cluster with ${name('dbClusterIdentifier')} (or resourceId "cluster-…")`
          : `${i.engine} runs on a DB instance, not an Aurora cluster (AWS offers Multi-AZ DB clusters for MySQL and ` +
            `PostgreSQL only; ${RDS_MULTI_AZ_DB_CLUSTERS.sources.engines.url}): use ${right} (or resourceId "db-…")`,
    ]);
  }
  if (i.resourceId !== undefined && !Token.isUnresolved(i.resourceId)) {
    const p = resourceIdProblem(i.resourceId, info.kind, multiAz);
    if (p) problems.push(['resourceId', p]);
  }
  if (!Token.isUnresolved(i.dbUser)) {
    const p = dbUserProblem(i.dbUser, info.dialect, info.maxUserLength);
    if (p) problems.push(['dbUser', p]);
  }
  const versionProblem = i.engineVersion === undefined ? undefined : engineVersionProblem(i.engine, i.engineVersion);
  if (versionProblem) problems.push(['engineVersion', versionProblem]);
  const version = versionProblem ? undefined : i.engineVersion;
  const region = i.region !== undefined && !regionProblem(i.region) ? i.region : undefined;
  const support = iamAuthSupportProblem(i.engine, version, region);
  if (support) problems.push([version !== undefined ? 'engineVersion' : 'region', support]);
  const clickPipes = version === undefined ? undefined : clickPipesVersionProblem(i.engine, version);
  if (clickPipes) problems.push(['engineVersion', clickPipes]);
  if (info.dialect === 'mysql' && i.iamAuthForReplication !== undefined) {
    problems.push([
      'iamAuthForReplication',
      'applies to PostgreSQL engines only; MySQL and MariaDB run CDC over IAM authentication without it: remove it',
    ]);
  }
  if (info.dialect === 'postgres' && i.pipeMode === 'cdc') {
    const major = i.engineVersion === undefined ? undefined : postgresMajor(i.engineVersion);
    if (major !== undefined && major < MIN_POSTGRES_FOR_IAM_CDC) {
      problems.push([
        'pipeMode',
        `"cdc" over IAM authentication needs PostgreSQL ${MIN_POSTGRES_FOR_IAM_CDC} or later (rds.iam_auth_for_replication), ` +
          `but the engine version is "${i.engineVersion}"; upgrade the database, or use "initial-load" (ClickPipes then runs Initial Load Only pipes)`,
      ]);
    } else if (!i.managedParameters && i.iamAuthForReplication !== true) {
      const group = onCluster(i) ? 'DB cluster parameter group' : 'DB parameter group';
      problems.push([
        'pipeMode',
        `"cdc" over IAM authentication on PostgreSQL needs PostgreSQL ${MIN_POSTGRES_FOR_IAM_CDC} or later with ` +
          `rds.iam_auth_for_replication = 1 and rds.logical_replication = 1 in the database's ${group}, ` +
          'which this library does not manage for this database. Set both (rds.logical_replication takes a reboot), ' +
          'then set iamAuthForReplication to true; or use "initial-load" (ClickPipes then runs Initial Load Only pipes)',
      ]);
    }
  }
  if (i.pipeMode === 'cdc' && i.engineVersion !== undefined) {
    const p = cdcEngineVersionProblem(i.engine, i.engineVersion);
    if (p) problems.push(['pipeMode', p]);
  }
  if (i.pipeMode === 'cdc' && version !== undefined && info.dialect === 'postgres' && isMultiAzCluster(i)) {
    const p = multiAzLogicalReplicationProblem(version);
    if (p) problems.push(['pipeMode', p]);
  }
  problems.push(
    ...grantsProblems({ ...i.grants, engine: i.engine, pipeMode: i.pipeMode, engineVersion: i.engineVersion }),
  );
  if (i.networkAccess && i.publiclyAccessible === false) {
    problems.push([
      'networkAccess',
      'adds ingress from the ClickPipes static IPs, which are public NAT addresses, but the database this stack creates is ' +
        'not publicly accessible (publicly_accessible = false: its endpoint resolves to a private address only; RDS API, ' +
        'CreateDBInstance, PubliclyAccessible), so ClickPipes can never reach it. Make it publicly accessible ' +
        `(${i.formNames?.instance === 'create' ? 'create.publiclyAccessible: true' : 'publiclyAccessible = true on the DB instance'}, ` +
        'in a subnet group of public subnets; the security group rules then admit ClickPipes only), ' +
        'or reach it over AWS PrivateLink and remove networkAccess',
    ]);
  }
  if (i.networkAccess) {
    problems.push(...networkAccessProblems(i.networkAccess));
    if (!i.networkAccess.securityGroupIds && !i.databaseSecurityGroupIds?.length) {
      problems.push([
        'networkAccess.securityGroupIds',
        "is missing; list the database's security groups (only a database this stack creates with vpcSecurityGroupIds has a default)",
      ]);
    }
  }
  return problems;
}

/**
 * ClickPipes access to an RDS or Aurora database with IAM database authentication, as the
 * ClickPipes guide "AWS IAM DB authentication (RDS/Aurora)" sets it up by hand:
 *
 * - an IAM role that the ClickHouse service's role may assume (`sts:AssumeRole`,
 *   `sts:TagSession`);
 * - an inline policy `rds-db-connect` allowing only `rds-db:connect` on
 *   `arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/DB_USER`;
 * - IAM database authentication turned on for a DB instance / Aurora cluster of the same stack
 *   (and, for CDC, a parameter group with the replication parameters); an existing database is
 *   looked up by identifier or named by resource ID;
 * - outputs `role_arn` (paste into ClickPipes) and `db_user_sql` (run once as the master user).
 *
 * @example
 * new ClickPipesRdsIamAccess(stack, 'orders', {
 *   engine: 'rds-postgres',
 *   clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
 *   dbInstanceIdentifier: 'orders-prod',
 *   accountId: '123456789012',
 *   region: 'us-east-1',
 * });
 */
export class ClickPipesRdsIamAccess extends ClickPipesAccessRole {
  /** The ClickPipes source type. */
  public readonly engine: RdsEngine;
  /** The database user ClickPipes connects as. */
  public readonly dbUser: string;
  /** The pipe mode this access was checked for. */
  public readonly pipeMode: PipeMode;
  /** The resource ID of the database (`db-…` or `cluster-…`), possibly a Terraform reference. */
  public readonly resourceId: string;
  /** The `rds-db:connect` resource: `arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/DB_USER`. */
  public readonly dbUserArn: string;
  /** SQL that creates the database user; run it once as the master user. */
  public readonly dbUserSql: string;
  /** What the setup SQL is made of: engine, user, pipe mode and grants. */
  public readonly setupSqlInput: SetupSqlInput;
  /** The setup SQL on one line: the user and the ClickPipes grants ({@link setupSqlStatements}). */
  public readonly setupSql: string;
  /** What a CDC pipe needs of the database, one sentence each (empty for initial-load). */
  public readonly cdcPrerequisites: readonly string[];
  /**
   * What an existing database needs before ClickPipes connects, whatever the pipe mode: IAM
   * database authentication on (empty for a database of this stack, which the stack turns on).
   */
  public readonly databasePrerequisites: readonly string[];
  /** The database's endpoint address, when the stack knows the database (not for `resourceId`). */
  public readonly dbAddress?: string;
  /** The database's port, when the stack knows the database. */
  public readonly dbPort?: number;
  /** The security group rules of {@link ClickPipesRdsIamAccessProps.networkAccess}. */
  public readonly networkAccess?: ClickPipesNetworkAccess;
  /** The parameter group this construct created for CDC, if any. */
  public readonly replicationParameterGroup?: DbParameterGroup | RdsClusterParameterGroup;

  constructor(scope: Construct, id: string, props: ClickPipesRdsIamAccessProps) {
    const known = RDS_ENGINES.includes(props.engine);
    const planned = known ? ClickPipesRdsIamAccess.plan(props) : undefined;
    const problems: readonly FieldProblem[] = planned?.problems ?? [
      [
        'engine',
        `${JSON.stringify(props.engine)} is not an RDS/Aurora engine; expected one of ${RDS_ENGINES.join(', ')}`,
      ],
    ];
    const what = `the ${known ? ENGINES[props.engine].label : props.engine} database of source ${id}`;
    // The base class throws here, before anything is built, if there is any problem.
    super(scope, id, props, { trustActions: ['sts:AssumeRole', 'sts:TagSession'], what }, problems);
    const plan = planned!; // defined: an unknown engine threw above
    const info = ENGINES[props.engine];
    this.engine = props.engine;
    this.dbUser = plan.dbUser;
    this.pipeMode = plan.pipeMode;

    const database = this.resolveDatabase(props);
    this.resourceId = database.resourceId;
    this.dbAddress = database.address;
    this.dbPort = database.port;
    if (plan.sameStack && this.pipeMode === 'cdc' && !plan.hasOwnParameterGroup) {
      this.replicationParameterGroup = this.addReplicationParameters(plan.sameStack, info, plan.engineVersion!);
    }

    this.dbUserArn = `arn:${this.partition}:rds-db:${this.region}:${this.accountId}:dbuser:${this.resourceId}/${this.dbUser}`;
    this.addInlinePolicy('rds_db_connect', 'rds-db-connect', [
      { effect: 'Allow', actions: ['rds-db:connect'], resources: [this.dbUserArn] },
    ]);

    this.dbUserSql = databaseUserSql(this.engine, this.dbUser, this.pipeMode);
    this.setupSqlInput = {
      engine: this.engine,
      dbUser: this.dbUser,
      pipeMode: this.pipeMode,
      schemas: props.schemas,
      tables: props.tables,
      publication: props.publication,
      binlogRetentionHours: props.binlogRetentionHours,
    };
    this.setupSql = setupSqlLine(this.setupSqlInput);
    const multiAzCluster = props.dbClusterIdentifier !== undefined && info.kind === 'instance';
    const clusterResourceId = props.resourceId?.startsWith('cluster-') === true;
    this.cdcPrerequisites = cdcPrerequisites({
      engine: this.engine,
      pipeMode: this.pipeMode,
      multiAzCluster: multiAzCluster || (info.kind === 'instance' && clusterResourceId),
      managed: plan.sameStack !== undefined && !plan.hasOwnParameterGroup,
      binlogRetentionHours: props.binlogRetentionHours,
    });
    this.databasePrerequisites = iamAuthPrerequisites(
      this.engine,
      plan.sameStack !== undefined,
      literal(props.dbInstanceIdentifier ?? props.dbClusterIdentifier),
      multiAzCluster || (info.kind === 'instance' && clusterResourceId),
    );
    if (props.networkAccess) {
      this.networkAccess = new ClickPipesNetworkAccess(this, 'network_access', {
        ...props.networkAccess,
        securityGroupIds: props.networkAccess.securityGroupIds ?? plan.sameStack!.vpcSecurityGroupIdsInput!,
        port: props.networkAccess.port ?? this.dbPort ?? DEFAULT_DB_PORTS[info.dialect],
        sourceName: this.node.id,
      });
    }
    if (this.withOutputs) {
      this.output('db_user_sql', {
        value: this.dbUserSql,
        description: `SQL that creates the IAM database user ${this.dbUser}: run it once as the master user`,
      });
      this.output('setup_sql', {
        value: this.setupSql,
        description: `SQL that creates ${this.dbUser} and grants what ClickPipes reads (${this.pipeMode}): run it once as the master user`,
      });
      if (this.databasePrerequisites.length) {
        this.output('database_prerequisites', {
          value: this.databasePrerequisites.join('; '),
          description: 'What the existing database needs before ClickPipes connects with IAM authentication',
        });
      }
      if (this.cdcPrerequisites.length) {
        this.output('cdc_prerequisites', {
          value: this.cdcPrerequisites.join('; '),
          description: 'What the database needs for a ClickPipes CDC pipe',
        });
      }
      if (this.dbAddress !== undefined) {
        this.output('db_address', { value: this.dbAddress, description: 'Database endpoint (host)' });
        this.output('db_port', { value: this.dbPort, description: 'Database port' });
      }
    }
  }

  /** The defaults and every problem of the props (of a known engine), worked out before anything is built. */
  private static plan(props: ClickPipesRdsIamAccessProps) {
    const dbUser = props.dbUser ?? DEFAULT_DB_USER;
    const pipeMode = props.pipeMode ?? 'initial-load';
    const sameStack = props.instance ?? props.cluster;
    const hasOwnParameterGroup =
      props.instance !== undefined
        ? props.instance.parameterGroupNameInput !== undefined
        : props.cluster?.dbClusterParameterGroupNameInput !== undefined;
    const engineVersion = literal(props.engineVersion ?? sameStack?.engineVersionInput);
    const problems: FieldProblem[] = rdsAccessProblems({
      engine: props.engine,
      forms: FORMS.filter((f) => props[f] !== undefined),
      resourceId: props.resourceId,
      dbUser,
      pipeMode,
      iamAuthForReplication: props.iamAuthForReplication,
      engineVersion,
      region: literal(props.region),
      managedParameters: sameStack !== undefined && !hasOwnParameterGroup,
      grants: props,
      networkAccess: props.networkAccess,
      databaseSecurityGroupIds: sameStack?.vpcSecurityGroupIdsInput,
      // A cluster's writer instance carries publicly_accessible, which the construct does not see.
      publiclyAccessible: props.instance ? (props.instance.publiclyAccessibleInput ?? false) === true : undefined,
    });
    if (sameStack) {
      problems.push(
        ...ClickPipesRdsIamAccess.sameStackProblems(sameStack, props, pipeMode, engineVersion, hasOwnParameterGroup),
      );
    }
    return { dbUser, pipeMode, sameStack, hasOwnParameterGroup, engineVersion, problems };
  }

  /** Checks a DB instance or cluster of this stack against the engine and the pipe mode. */
  private static sameStackProblems(
    db: DbInstance | RdsCluster,
    props: ClickPipesRdsIamAccessProps,
    pipeMode: PipeMode,
    engineVersion: string | undefined,
    hasOwnParameterGroup: boolean,
  ): FieldProblem[] {
    const info = ENGINES[props.engine];
    const form = props.instance ? 'instance' : 'cluster';
    const problems: FieldProblem[] = [];
    const engine = db.engineInput;
    if (engine !== undefined && !Token.isUnresolved(engine) && engine !== info.terraformEngine) {
      problems.push([
        form,
        `has engine "${engine}", but source type ${props.engine} needs engine "${info.terraformEngine}"`,
      ]);
    }
    const iam = db.iamDatabaseAuthenticationEnabledInput;
    if (iam === false) {
      problems.push([
        form,
        'sets iam_database_authentication_enabled to false, but ClickPipes logs in with IAM authentication: remove the setting (this construct turns it on)',
      ]);
    }
    if (pipeMode === 'cdc') {
      if (info.dialect === 'mysql' && db.backupRetentionPeriodInput === 0) {
        problems.push([
          form,
          'sets backup_retention_period to 0, but MySQL/MariaDB CDC reads the binary log, which needs automated backups: set it to 1 or more',
        ]);
      }
      if (!hasOwnParameterGroup && engineVersion === undefined) {
        problems.push([
          form,
          'has no literal engine_version, which this construct needs to choose the parameter group family for CDC: set engineVersion on it',
        ]);
      }
    }
    return problems;
  }

  /**
   * Turns IAM auth on (same stack), or looks the database up, and returns its resource ID. A
   * looked-up database is checked at plan time ({@link lookupConditions}): its engine, IAM auth
   * (Aurora), and the versions IAM DB authentication and ClickPipes need.
   */
  private resolveDatabase(props: ClickPipesRdsIamAccessProps): { resourceId: string; address?: string; port?: number } {
    if (props.instance) {
      props.instance.iamDatabaseAuthenticationEnabled = true;
      const { resourceId, address, port } = props.instance;
      return { resourceId, address, port };
    }
    if (props.cluster) {
      props.cluster.iamDatabaseAuthenticationEnabled = true;
      const { clusterResourceId: resourceId, endpoint: address, port } = props.cluster;
      return { resourceId, address, port };
    }
    const identifier = props.dbInstanceIdentifier ?? props.dbClusterIdentifier;
    if (identifier === undefined) return { resourceId: props.resourceId! };
    const conditions = lookupConditions({
      engine: this.engine,
      pipeMode: this.pipeMode,
      sourceName: this.node.id,
      identifier,
      region: literal(props.region),
      schemaPublication: props.tables === undefined,
      cluster: props.dbClusterIdentifier !== undefined,
    });
    if (props.dbInstanceIdentifier !== undefined) {
      const { resourceId, address, port } = new CheckedDbInstanceLookup(this, 'db_instance', identifier, conditions);
      return { resourceId, address, port };
    }
    const db = new CheckedRdsClusterLookup(this, 'db_cluster', identifier, conditions);
    return { resourceId: db.clusterResourceId, address: db.endpoint, port: db.port };
  }

  /** A DB (cluster) parameter group with the engine's CDC parameters, set on the database. */
  private addReplicationParameters(
    db: DbInstance | RdsCluster,
    info: EngineInfo,
    engineVersion: string,
  ): DbParameterGroup | RdsClusterParameterGroup {
    const family = info.family(engineVersion);
    const config = {
      name: parameterGroupName(this.node.id, family),
      family,
      description: `ClickPipes CDC parameters for source ${this.node.id} (${this.pipeMode}, IAM authentication)`,
      parameter: info.cdcParameters.map((p) => ({ name: p.name, value: p.value, applyMethod: p.applyMethod })),
      // The family changes with a major upgrade, and a new group must exist before the old one goes.
      lifecycle: { createBeforeDestroy: true },
    };
    if (db instanceof DbInstance) {
      const group = new DbParameterGroup(this, 'replication_parameters', config);
      db.parameterGroupName = group.name;
      return group;
    }
    const group = new RdsClusterParameterGroup(this, 'replication_parameters', config);
    db.dbClusterParameterGroupName = group.name;
    return group;
  }
}
