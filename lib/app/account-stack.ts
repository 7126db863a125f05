import { Construct, IConstruct, Node } from 'constructs';
import {
  CloudBackend,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  S3BackendConfig,
  TaggedCloudWorkspaces,
  TerraformElement,
  TerraformResource,
  TerraformStack,
} from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { setAwsProviderVersion } from '../constructs/aws-provider-version';
import { ClickHouseProvider, DataClickHouseService } from '../constructs/clickhouse-provider';
import { ClickPipesAccessRole } from '../constructs/clickpipes-access-role';
import { AccountConfig, ConfigDefaults, RdsSourceConfig, StackAccountConfig } from '../config/config';
import { ClickPipesInputError } from '../errors';
import { ownScope } from '../framework';
import { ClickPipesKinesisAccess } from '../constructs/kinesis-access';
import { ManagedDatabase, createManagedDatabase } from '../constructs/managed-database';
import { ClickPipesMskAccess } from '../constructs/msk-access';
import { ClickPipesRdsIamAccess } from '../constructs/rds-iam-access';
import { ClickPipesS3Access } from '../constructs/s3-access';
import { BackendSpec, SourceSpec, StackSpec, accountStacks } from '../config/stacks';

/** Props of {@link ClickPipesAccountStack}: one account entry of the config (or one region of it). */
export interface ClickPipesAccountStackProps {
  /**
   * The ClickHouse service's IAM role ARN that the roles trust, where the account entry and its
   * sources name none.
   * @default `defaults.clickHouseIamRoleArn`
   */
  readonly clickHouseIamRoleArn?: string;
  /** The account entry: its name names the stack, its sources become constructs. */
  readonly account: AccountConfig;
  /**
   * The config's top-level fields, which the entry and its sources inherit (ClickHouse role,
   * DB user, tags, backend).
   * @default none
   */
  readonly defaults?: ConfigDefaults;
  /**
   * For an entry with `regions`: the region of this stack.
   * @default the entry's only region
   */
  readonly region?: string;
}

/**
 * One Terraform stack for one account entry of the config, or one region of it: an `aws`
 * provider for its region and account (assuming `assumeRoleArn` if given, with the default tags),
 * the backend (local state with a relative path by default, or S3, or HCP Terraform), and per
 * source the construct of its type ({@link ClickPipesRdsIamAccess}, {@link ClickPipesKinesisAccess},
 * {@link ClickPipesS3Access}, {@link ClickPipesMskAccess}), tagged with the source name. Sources
 * that trust a ClickHouse service rather than an ARN read its `iam_role` with the ClickHouse
 * provider's `clickhouse_service` data source.
 *
 * Terraform addresses are the construct path joined by `_` (`aws_iam_role.orders_role`,
 * output `orders_role_arn`) rather than cdktf's hashed ids, so they read well and stay put.
 */
export class ClickPipesAccountStack extends TerraformStack {
  /** The access construct of each source, by source name. */
  public readonly sources: Readonly<Record<string, ClickPipesAccessRole>>;
  /** What the stack was built from: the entry's stack, with what its sources inherit. */
  public readonly spec: StackSpec;
  /**
   * The account entry this stack was built from; for an entry with `regions`, the entry as if it
   * named only this stack's region (`region` and its `sources`).
   */
  public readonly account: StackAccountConfig;
  private readonly logicalIds = new Map<string, string>();
  private readonly services = new Map<string, DataClickHouseService>();
  private clickHouseProvider?: ClickHouseProvider;

  constructor(scope: Construct, props: ClickPipesAccountStackProps) {
    const defaults = {
      ...props.defaults,
      clickHouseIamRoleArn: props.clickHouseIamRoleArn ?? props.defaults?.clickHouseIamRoleArn,
    };
    const specs = accountStacks(props.account, defaults);
    const spec = props.region === undefined ? specs[0] : specs.find((s) => s.region === props.region);
    if (spec === undefined || (props.region === undefined && specs.length > 1)) {
      throw new ClickPipesInputError([
        `${props.account.name}: region: ${props.region === undefined ? 'missing' : JSON.stringify(props.region)}; expected one of the entry's regions, ${specs.map((s) => JSON.stringify(s.region)).join(', ')}`,
      ]);
    }
    super(ownScope(scope, spec.name), spec.name);
    this.spec = spec;
    declareTargetVersions(this, spec.backend);
    new AwsProvider(this, 'aws', {
      region: spec.region,
      allowedAccountIds: [spec.accountId],
      assumeRole: spec.assumeRole ? [{ ...spec.assumeRole }] : undefined,
      defaultTags: [{ tags: { ...spec.defaultTags } }],
    });
    setAwsProviderVersion(this, spec.awsProviderVersion);
    addBackend(this, spec.backend);

    const sources: Record<string, ClickPipesAccessRole> = {};
    for (const source of spec.sources) sources[source.source.name] = this.addSource(source);
    // One pass over the stack's children: a source's constructs are its access construct (the
    // source name) and those named "<source name>_…" (a database it creates). Source names have no
    // "_", so the prefix tells them apart. (Reading `node.children` per source made a stack of
    // thousands of sources quadratic: it copies every child each time.)
    const bySource = new Map(spec.sources.map((s) => [s.source.name, s.tags]));
    for (const child of this.node.children) {
      const id = child.node.id;
      const tags = bySource.get(id) ?? bySource.get(id.split('_')[0]);
      if (tags) tagResources([child], tags);
    }
    this.sources = sources;
    const { regions: _regions, ...entry } = props.account;
    this.account = { ...entry, region: spec.region, sources: spec.sources.map((s) => s.source) };
  }

  /** The construct of one source of the config. */
  private addSource(spec: SourceSpec): ClickPipesAccessRole {
    const { source } = spec;
    const common = {
      clickHouseIamRoleArn: this.trustedArn(spec),
      roleName: source.roleName,
      accountId: this.spec.accountId,
      region: this.spec.region,
    };
    switch (source.type) {
      case 'kinesis':
        return new ClickPipesKinesisAccess(this, source.name, {
          ...common,
          streams: source.streams,
          kmsKeyArns: source.kmsKeyArns,
        });
      case 's3':
        return new ClickPipesS3Access(this, source.name, {
          ...common,
          buckets: source.buckets,
          prefix: source.prefix,
          sqsQueueArn: source.sqsQueueArn,
          kmsKeyArns: source.kmsKeyArns,
        });
      case 'msk':
        return new ClickPipesMskAccess(this, source.name, {
          ...common,
          clusterArn: source.clusterArn,
          topics: source.topics,
          consumerGroups: source.consumerGroups,
        });
      default:
        return this.addRdsSource(source, { ...common, dbUser: spec.dbUser });
    }
  }

  /** The ClickHouse role a source trusts: its ARN, or the `iam_role` of its ClickHouse service (one data source per service). */
  private trustedArn(spec: SourceSpec): string {
    const trust = spec.trust;
    if (trust === undefined) {
      throw new ClickPipesInputError([
        `${this.node.path}/${spec.source.name}: no ClickHouse role to trust; set clickHouseIamRoleArn or clickHouseService`,
      ]);
    }
    if ('arn' in trust) return trust.arn;
    let service = this.services.get(trust.serviceId);
    if (service === undefined) {
      this.clickHouseProvider ??= new ClickHouseProvider(this, 'clickhouse');
      service = new DataClickHouseService(this, `service_${trust.serviceId}`, { id: trust.serviceId });
      this.services.set(trust.serviceId, service);
    }
    return service.iamRole;
  }

  private addRdsSource(
    source: RdsSourceConfig,
    common: { clickHouseIamRoleArn: string; roleName?: string; accountId: string; region: string; dbUser?: string },
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

/** cdktf 0.21's S3 backend props predate Terraform 1.10's `use_lockfile`; cdktf writes every prop it is given. */
interface S3BackendProps extends S3BackendConfig {
  readonly useLockfile?: boolean;
}

/**
 * S3 native state locking (`use_lockfile`) needs Terraform or OpenTofu 1.10 or later. cdktn checks
 * such features against the Terraform versions a project targets (cdktf.json `targetVersions`,
 * the context key `targetVersions`) and, when none are declared, assumes every version (>=1.5.7),
 * so it refuses the stack. A stack that locks this way targets 1.10 or later: it says so, unless
 * the app declared its targets itself (then cdktn checks those). cdktf reads no such key.
 */
function declareTargetVersions(stack: TerraformStack, backend: BackendSpec): void {
  if (backend.type === 's3' && backend.useLockfile && stack.node.tryGetContext('targetVersions') === undefined)
    stack.node.setContext('targetVersions', { terraform: '>=1.10.0', opentofu: '>=1.10.0' });
}

/** The backend of a stack. */
function addBackend(stack: TerraformStack, backend: BackendSpec): void {
  switch (backend.type) {
    case 'local':
      new LocalBackend(stack, { path: backend.path });
      return;
    case 's3': {
      const props: S3BackendProps = {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        encrypt: backend.encrypt,
        kmsKeyId: backend.kmsKeyId,
        useLockfile: backend.useLockfile,
        dynamodbTable: backend.dynamodbTable,
        assumeRole: backend.assumeRoleArn ? { roleArn: backend.assumeRoleArn } : undefined,
      };
      new S3Backend(stack, withoutUndefined(props));
      return;
    }
    case 'cloud': {
      const w = backend.workspaces;
      new CloudBackend(stack, {
        organization: backend.organization,
        ...(backend.hostname === undefined ? {} : { hostname: backend.hostname }),
        workspaces:
          'name' in w ? new NamedCloudWorkspace(w.name, w.project) : new TaggedCloudWorkspaces(w.tags, w.project),
      });
    }
  }
}

/** The props without the undefined ones, which cdktf's backends would write as nulls. */
function withoutUndefined<T extends object>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as T;
}

/** Adds `tags` to every resource below `scopes` that takes tags (its own tags win). */
function tagResources(scopes: readonly IConstruct[], tags: Readonly<Record<string, string>>): void {
  for (const scope of scopes) {
    for (const c of scope.node.findAll()) {
      if (c instanceof TerraformResource && 'tagsInput' in c) {
        const taggable = c as TerraformResource & { tags: Record<string, string>; tagsInput?: Record<string, string> };
        taggable.tags = { ...tags, ...taggable.tagsInput };
      }
    }
  }
}
