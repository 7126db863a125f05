/**
 * Look-ups of an existing database (`data.aws_db_instance`, `data.aws_rds_cluster`) that check it
 * at plan time with Terraform postconditions: a wrong engine, IAM authentication off (Aurora),
 * an engine version that IAM DB authentication or ClickPipes does not support stop
 * `terraform plan` with a message naming the database, the rule, its source and the fix.
 *
 * Postconditions, not `check` blocks: a failed `check` assertion is only a warning, and the plan
 * goes on; a failed postcondition stops it. cdktf 0.21 writes `lifecycle.postcondition` correctly
 * in JSON, but in HCL it writes `postcondition = [{ … }]`, an argument, which Terraform refuses
 * ("An argument named "postcondition" is not expected here"); these classes render the
 * `lifecycle` of their HCL themselves, as blocks.
 */
import { Construct } from 'constructs';
import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { ENGINES, PipeMode, RdsEngine } from '../rules/engines';
import {
  CLICKPIPES_MIN_POSTGRES,
  RDS_IAM_AUTH_SUPPORT,
  iamAuthMinimumVersion,
  iamAuthSupportSource,
} from '../rules/support';
import { multiAzLogicalReplicationMinimums, multiAzLogicalReplicationSource } from '../rules/multi-az';

/** One postcondition: an HCL expression on `self` and its message (no double quotes, no `${`). */
export interface LookupCondition {
  readonly condition: string;
  readonly errorMessage: string;
}

/** What the database must be, for {@link lookupConditions}. */
export interface LookupRules {
  readonly engine: RdsEngine;
  readonly pipeMode: PipeMode;
  /** The source's name and the database identifier, for messages. */
  readonly sourceName: string;
  readonly identifier: string;
  /** A literal Region, for the Region's IAM DB authentication minimum. */
  readonly region?: string;
  /** A CDC publication of whole schemas (`FOR TABLES IN SCHEMA`, PostgreSQL 15). */
  readonly schemaPublication: boolean;
  /**
   * The database is looked up as a DB cluster (`data.aws_rds_cluster`): always for Aurora, and
   * for an RDS Multi-AZ DB cluster of `rds-postgres`/`rds-mysql`.
   * @default the engine's kind
   */
  readonly cluster?: boolean;
}

const MAJOR = 'tonumber(split(".", self.engine_version)[0])';
const MINOR = 'tonumber(try(split(".", self.engine_version)[1], "0"))';

/** HCL: `self.engine_version` is `major.minor` or later. */
function atLeast([major, minor]: readonly [number, number]): string {
  return minor === 0 ? `${MAJOR} >= ${major}` : `${MAJOR} > ${major} || (${MAJOR} == ${major} && ${MINOR} >= ${minor})`;
}

/**
 * The postconditions of a looked-up database: its engine, IAM authentication on (Aurora: the
 * cluster data source has the attribute), the version IAM DB authentication needs, PostgreSQL
 * 12 for ClickPipes and 15 for a CDC publication of whole schemas, MySQL 8.0 / MariaDB 10.5 for
 * CDC (binlog_row_metadata).
 */
export function lookupConditions(r: LookupRules): LookupCondition[] {
  const info = ENGINES[r.engine];
  const cluster = info.kind === 'cluster' || r.cluster === true;
  const multiAz = cluster && info.kind === 'instance';
  const kind = info.kind === 'cluster' ? 'Aurora cluster' : multiAz ? 'Multi-AZ DB cluster' : 'DB instance';
  const what = `ClickPipes source ${r.sourceName}: ${kind} ${r.identifier}`;
  const out: LookupCondition[] = [
    {
      condition: `self.engine == "${info.terraformEngine}"`,
      errorMessage:
        `${what} has engine \${self.engine}, but source type ${r.engine} reads engine ${info.terraformEngine} ` +
        '(cdktf-clickpipes-aws): fix the source type or the identifier.',
    },
  ];
  // The cluster data source has iam_database_authentication_enabled (Aurora and Multi-AZ DB clusters).
  if (cluster) {
    out.push({
      condition: 'self.iam_database_authentication_enabled == true',
      errorMessage:
        `${what} has IAM database authentication off, and ClickPipes logs in with it (ClickHouse docs, ClickPipes ` +
        'AWS IAM DB authentication guide, step 1): turn it on (aws rds modify-db-cluster --db-cluster-identifier ' +
        `${r.identifier} --enable-iam-database-authentication --apply-immediately), then plan again.`,
    });
  }
  const minimum = iamAuthMinimumVersion(r.engine, r.region);
  // PostgreSQL: ClickPipes' 12 (below) is the stricter rule wherever AWS's minimum is lower.
  const covered = info.dialect === 'postgres' && Array.isArray(minimum) && minimum[0] < CLICKPIPES_MIN_POSTGRES;
  if (Array.isArray(minimum) && !covered) {
    out.push({
      condition: atLeast(minimum),
      errorMessage:
        `${what} runs ${info.label} \${self.engine_version}; AWS offers IAM database authentication with it from ` +
        `${minimum.join('.')} (${iamAuthSupportSource(r.engine).replace(/"/g, '')}): upgrade the database.`,
    });
  }
  if (info.dialect === 'postgres') {
    const page = RDS_IAM_AUTH_SUPPORT.sources.clickpipesPostgres.url;
    out.push({
      condition: atLeast([CLICKPIPES_MIN_POSTGRES, 0]),
      errorMessage:
        `${what} runs PostgreSQL \${self.engine_version}; ClickPipes reads PostgreSQL ${CLICKPIPES_MIN_POSTGRES} ` +
        `and later (ClickHouse docs, ${page}): upgrade the database.`,
    });
    if (multiAz && r.pipeMode === 'cdc') {
      const minimums = multiAzLogicalReplicationMinimums();
      const top = Math.max(...minimums.map(([major]) => major));
      const per = minimums.map(([major, minor]) => `(${MAJOR} == ${major} && ${MINOR} >= ${minor})`);
      out.push({
        condition: [`${MAJOR} > ${top}`, ...per].join(' || '),
        errorMessage:
          `${what} runs PostgreSQL \${self.engine_version}; CDC reads the write-ahead log with logical replication, and ` +
          `${multiAzLogicalReplicationSource()}: upgrade the DB cluster, or use pipe mode initial-load.`,
      });
    }
    if (r.pipeMode === 'cdc' && r.schemaPublication) {
      out.push({
        condition: atLeast([15, 0]),
        errorMessage:
          `${what} runs PostgreSQL \${self.engine_version}; the setup SQL publishes whole schemas (CREATE PUBLICATION ` +
          '... FOR TABLES IN SCHEMA), which needs PostgreSQL 15 (PostgreSQL docs, CREATE PUBLICATION): list the tables ' +
          'of the source instead, or upgrade the database.',
      });
    }
  } else if (r.pipeMode === 'cdc') {
    const need: [number, number] = r.engine === 'rds-mariadb' ? [10, 5] : [8, 0];
    if (Array.isArray(minimum) && !(minimum[0] < need[0] || (minimum[0] === need[0] && minimum[1] < need[1])))
      return out;
    out.push({
      condition: atLeast(need),
      errorMessage:
        `${what} runs ${info.label} \${self.engine_version}; CDC needs binlog_row_metadata = FULL, which exists from ` +
        `${r.engine === 'rds-mariadb' ? 'MariaDB 10.5' : 'MySQL 8.0'}: upgrade the database, or use pipe mode initial-load.`,
    });
  }
  return out;
}

/** The `lifecycle` of HCL output with its postconditions as blocks, as cdktf's HCL renderer reads it. */
function hclLifecycle(conditions: readonly LookupCondition[]) {
  return {
    value: {
      postcondition: {
        // A bare expression (as `terraform fmt` writes it): cdktf writes a `reference` as it is.
        value: conditions.map((c) => ({
          condition: { value: c.condition, type: 'reference' },
          error_message: c.errorMessage,
        })),
        isBlock: true,
        type: 'list',
        storageClassType: 'postconditionList',
      },
    },
    isBlock: true,
    type: 'simple',
    storageClassType: 'lifecycle',
  };
}

/** The `lifecycle` meta-argument with these postconditions (JSON output). */
export const jsonLifecycle = (conditions: readonly LookupCondition[]) => ({
  postcondition: conditions.map((c) => ({ condition: `\${${c.condition}}`, errorMessage: c.errorMessage })),
});

/** Replaces the `lifecycle` of a data source's HCL with blocks. */
export function withHclLifecycle(
  hcl: { data: Record<string, Record<string, Record<string, unknown>>> },
  type: string,
  id: string,
  conditions: readonly LookupCondition[],
) {
  hcl.data[type][id].lifecycle = hclLifecycle(conditions);
  return hcl;
}

/** `data.aws_db_instance` with {@link lookupConditions} as postconditions. */
export class CheckedDbInstanceLookup extends DataAwsDbInstance {
  constructor(
    scope: Construct,
    id: string,
    dbInstanceIdentifier: string,
    private readonly conditions: readonly LookupCondition[],
  ) {
    super(scope, id, { dbInstanceIdentifier, lifecycle: jsonLifecycle(conditions) });
  }

  public toHclTerraform(): { data: Record<string, Record<string, Record<string, unknown>>> } {
    return withHclLifecycle(
      super.toHclTerraform() as never,
      this.terraformResourceType,
      this.friendlyUniqueId,
      this.conditions,
    );
  }
}

/** `data.aws_rds_cluster` with {@link lookupConditions} as postconditions. */
export class CheckedRdsClusterLookup extends DataAwsRdsCluster {
  constructor(
    scope: Construct,
    id: string,
    clusterIdentifier: string,
    private readonly conditions: readonly LookupCondition[],
  ) {
    super(scope, id, { clusterIdentifier, lifecycle: jsonLifecycle(conditions) });
  }

  public toHclTerraform(): { data: Record<string, Record<string, Record<string, unknown>>> } {
    return withHclLifecycle(
      super.toHclTerraform() as never,
      this.terraformResourceType,
      this.friendlyUniqueId,
      this.conditions,
    );
  }
}
