import { Construct, Node } from 'constructs';
import { LocalBackend, TerraformElement, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ClickPipesAccessRole } from './clickpipes-access-role';
import { AccountConfig, RdsSourceConfig, SourceConfig } from './config';
import { ClickPipesKinesisAccess } from './kinesis-access';
import { ManagedDatabase, createManagedDatabase } from './managed-database';
import { ClickPipesMskAccess } from './msk-access';
import { ClickPipesRdsIamAccess } from './rds-iam-access';
import { ClickPipesS3Access } from './s3-access';

/** Props of {@link ClickPipesAccountStack}: one account entry of the config. */
export interface ClickPipesAccountStackProps {
  /** The ClickHouse service's IAM role ARN that every role of the stack trusts. */
  readonly clickHouseIamRoleArn: string;
  /** The account entry: its name names the stack, its sources become constructs. */
  readonly account: AccountConfig;
}

/**
 * One Terraform stack for one account entry of the config: an `aws` provider for its region, a
 * local backend with a relative state path (`terraform.<name>.tfstate` in the project folder,
 * where cdktf keeps it by default), and per source the construct of its type
 * ({@link ClickPipesRdsIamAccess}, {@link ClickPipesKinesisAccess}, {@link ClickPipesS3Access},
 * {@link ClickPipesMskAccess}).
 *
 * Terraform addresses are the construct path joined by `_` (`aws_iam_role.orders_role`,
 * output `orders_role_arn`) rather than cdktf's hashed ids, so they read well and stay put.
 */
export class ClickPipesAccountStack extends TerraformStack {
  /** The access construct of each source, by source name. */
  public readonly sources: Readonly<Record<string, ClickPipesAccessRole>>;
  /** The account entry this stack was built from. */
  public readonly account: AccountConfig;
  private readonly logicalIds = new Map<string, string>();

  constructor(scope: Construct, props: ClickPipesAccountStackProps) {
    const { account } = props;
    super(scope, account.name);
    new AwsProvider(this, 'aws', { region: account.region, allowedAccountIds: [account.accountId] });
    // Relative to the stack's working directory cdktf.out/stacks/<name>: the project folder.
    new LocalBackend(this, { path: `../../../terraform.${account.name}.tfstate` });

    const sources: Record<string, ClickPipesAccessRole> = {};
    for (const source of account.sources) {
      sources[source.name] = this.addSource(source, props.clickHouseIamRoleArn, account);
    }
    this.sources = sources;
    this.account = account;
  }

  /** The construct of one source of the config. */
  private addSource(source: SourceConfig, clickHouseIamRoleArn: string, account: AccountConfig): ClickPipesAccessRole {
    const common = {
      clickHouseIamRoleArn,
      roleName: source.roleName,
      accountId: account.accountId,
      region: account.region,
    };
    switch (source.type) {
      case 'kinesis':
        return new ClickPipesKinesisAccess(this, source.name, { ...common, streams: source.streams });
      case 's3':
        return new ClickPipesS3Access(this, source.name, {
          ...common,
          buckets: source.buckets,
          prefix: source.prefix,
          sqsQueueArn: source.sqsQueueArn,
        });
      case 'msk':
        return new ClickPipesMskAccess(this, source.name, {
          ...common,
          clusterArn: source.clusterArn,
          topics: source.topics,
          consumerGroups: source.consumerGroups,
        });
      default:
        return this.addRdsSource(source, common);
    }
  }

  private addRdsSource(
    source: RdsSourceConfig,
    common: { clickHouseIamRoleArn: string; roleName?: string; accountId: string; region: string },
  ): ClickPipesRdsIamAccess {
    const database: Partial<ManagedDatabase> = source.create
      ? createManagedDatabase(this, source.name, source.type, source.create)
      : {};
    return new ClickPipesRdsIamAccess(this, source.name, {
      ...common,
      engine: source.type,
      instance: database.instance,
      cluster: database.cluster,
      dbInstanceIdentifier: source.dbInstanceIdentifier,
      dbClusterIdentifier: source.dbClusterIdentifier,
      resourceId: source.resourceId,
      dbUser: source.dbUser,
      pipeMode: source.pipeMode,
      iamAuthForReplication: source.iamAuthForReplication,
      engineVersion: source.engineVersion,
      schemas: source.schemas,
      tables: source.tables,
      publication: source.publication,
      binlogRetentionHours: source.binlogRetentionHours,
      networkAccess: source.networkAccess,
    });
  }

  /**
   * `orders/role` → `orders_role`. Source names have no `_` and child ids are fixed, so the
   * join is unique; a clash would still be caught here rather than overwrite a resource.
   */
  protected allocateLogicalId(element: TerraformElement | Node): string {
    const node = element instanceof TerraformElement ? element.node : element;
    const id = node.scopes
      .slice(node.scopes.indexOf(this) + 1)
      .map((c) => c.node.id.replace(/[^A-Za-z0-9_-]/g, '_'))
      .join('_');
    const holder = this.logicalIds.get(id);
    if (holder !== undefined && holder !== node.path) {
      throw new Error(`Terraform name "${id}" is allocated to both ${holder} and ${node.path}`);
    }
    this.logicalIds.set(id, node.path);
    return id;
  }
}
