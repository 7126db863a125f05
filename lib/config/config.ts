import { z } from 'zod';
import { ENGINES, PIPE_MODES, RDS_ENGINES } from '../rules/engines';
import { ClickPipesInputError, FieldProblem } from '../errors';
import { managedDatabaseProblems } from '../constructs/managed-database';
import { DEFAULT_DB_USER, RdsDatabaseForm, rdsAccessProblems } from '../constructs/rds-iam-access';
import { databaseSideConfigFields } from './database-side-config';
import { kinesisAccessProblems } from '../constructs/kinesis-access';
import { mskAccessProblems } from '../constructs/msk-access';
import { s3AccessProblems } from '../constructs/s3-access';
import {
  ROLE_NAME_PREFIX,
  accountIdProblem,
  assumeRoleArnProblem,
  clickHouseIamRoleArnProblem,
  clickHouseServiceIdProblem,
  externalIdProblem,
  kmsKeyArnProblem,
  localStatePathProblem,
  s3BucketNameProblem,
  sessionNameProblem,
  stateKeyProblem,
  stateRoleArnProblem,
  tagKeyProblem,
  tagValueProblem,
  dbIdentifierProblem,
  defaultRoleName,
  regionProblem,
  repeatedItemProblems,
  roleNameProblem,
  sourceNameProblem,
  stackNameProblem,
} from '../rules/validation';
import { configStackProblems } from './stacks';
import { inputShape, likelyField, positionOf, shown } from './config-input';
import { numberAsWritten } from './config-file';
import { DEFAULT_ROLES_PER_ACCOUNT, IAM_QUOTAS } from '../rules/iam-limits';
import { providerVersionProblem } from '../constructs/aws-provider-version';

/** A string checked by one of the rules of `validation.ts`; `pattern` goes into the JSON Schema for editors. */
function checked(rule: (v: string) => string | undefined, description: string, pattern?: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = rule(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta(pattern ? { description, pattern } : { description });
}

const clickHouseIamRoleArn = checked(
  clickHouseIamRoleArnProblem,
  'The ClickHouse service\'s IAM role ARN: "Service role ID (IAM)" in the ClickHouse Cloud console (service Settings, Network security information).',
  '^arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/',
);

const clickHouseService = z
  .strictObject({
    id: checked(
      clickHouseServiceIdProblem,
      'The ClickHouse Cloud service ID (a UUID).',
      '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    ),
  })
  .meta({
    description:
      'Trust the IAM role of this ClickHouse Cloud service, read by the ClickHouse Terraform provider (data source clickhouse_service, attribute iam_role; credentials from CLICKHOUSE_ORG_ID, CLICKHOUSE_TOKEN_KEY, CLICKHOUSE_TOKEN_SECRET). Instead of clickHouseIamRoleArn.',
  });

const tags = z
  .record(z.string(), z.string())
  .superRefine((given, ctx) => {
    for (const [key, value] of Object.entries(given)) {
      const problem = tagKeyProblem(key) ?? tagValueProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
    }
  })
  .meta({ description: 'AWS tags, key to value.' });

const iamQuotas = z
  .strictObject({
    rolesPerAccount: z
      .int()
      .min(1)
      .optional()
      .meta({
        description: `The account's IAM quota "Roles per account" (Service Quotas, IAM, ${IAM_QUOTAS.rolesPerAccount.serviceQuotasCode}) where it has been raised. Each source is a role; the config is refused when it creates more roles in one account than this. Default: ${DEFAULT_ROLES_PER_ACCOUNT.toLocaleString('en-US')}, the AWS default.`,
      }),
  })
  .meta({
    description: "IAM quotas of the AWS accounts that differ from the AWS defaults (an account entry's own win).",
  });

const awsProviderVersion = checked(
  providerVersionProblem,
  `Version constraint of the hashicorp/aws provider in each stack's required_providers, to widen or pin it: "~> 6.25" (6.25 or any later 6.x), ">= 6.0, < 7", "6.31.0". Default: the MAJOR.MINOR of the provider binding or later, "~> 6.25" with cdktf-clickpipes-aws, "~> 6.66" with cdktn-clickpipes-aws.`,
);

/** What the top level, an account entry and a source can each set: the trusted ClickHouse role, and tags. */
const inheritable = (where: string) => ({
  clickHouseIamRoleArn: clickHouseIamRoleArn.optional(),
  clickHouseService: clickHouseService.optional(),
  tags: tags.optional().meta({ description: `Tags ${where}.` }),
});

type TrustLevel = { clickHouseIamRoleArn?: string; clickHouseService?: unknown };

/** Refuses both ways of naming the ClickHouse role at one level. */
function oneTrust(entry: TrustLevel, ctx: z.RefinementCtx) {
  if (entry.clickHouseIamRoleArn !== undefined && entry.clickHouseService !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['clickHouseService'],
      message: 'give the ClickHouse role one way: clickHouseIamRoleArn or clickHouseService, not both',
    });
  }
}

const dbUserDefault = z
  .string()
  .optional()
  .meta({
    description: `Default database user of the RDS and Aurora sources below. Default: ${DEFAULT_DB_USER}.`,
  });

const localBackend = z.strictObject({
  type: z.literal('local'),
  path: checked(
    localStatePathProblem,
    'State file path relative to the stack folder; {stack} stands for the stack name. Default: ../../../terraform.{stack}.tfstate (the project folder).',
  ).optional(),
});

const s3Backend = z
  .strictObject({
    type: z.literal('s3'),
    bucket: checked(s3BucketNameProblem, 'The state bucket.'),
    key: checked(
      stateKeyProblem,
      'State object key; {stack} stands for the stack name. Default: clickpipes/{stack}.tfstate.',
    ).optional(),
    region: checked(regionProblem, "The bucket's region. Default: AWS_REGION of the Terraform run.").optional(),
    useLockfile: z.boolean().optional().meta({ description: 'Lock with a lock file in the bucket (Terraform 1.10+).' }),
    dynamodbTable: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: 'expected a DynamoDB table name (3 to 255 letters, digits, _ . -)' })
      .optional()
      .meta({ description: 'Lock with this DynamoDB table (deprecated by Terraform in favour of useLockfile).' }),
    encrypt: z.boolean().optional().meta({ description: 'Server-side encryption of the state. Default: true.' }),
    kmsKeyId: checked(kmsKeyArnProblem, 'KMS key (or alias) ARN for the state encryption.').optional(),
    assumeRoleArn: checked(
      stateRoleArnProblem,
      'A role to assume for the state bucket (assume_role.role_arn).',
    ).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.kmsKeyId !== undefined && b.encrypt === false) {
      ctx.addIssue({ code: 'custom', path: ['kmsKeyId'], message: 'needs encrypt: remove kmsKeyId or encrypt: false' });
    }
  });

const cloudBackend = z
  .strictObject({
    type: z.literal('cloud'),
    organization: z.string().min(1, { error: 'expected the HCP Terraform organization name' }),
    hostname: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?$/, { error: 'expected a host name like "app.terraform.io"' })
      .optional()
      .meta({ description: 'Default: app.terraform.io (HCP Terraform); your Terraform Enterprise host otherwise.' }),
    workspaces: z
      .strictObject({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_{}-]{1,90}$/, { error: 'expected letters, digits, _ and -' })
          .optional(),
        tags: z.array(z.string().min(1)).min(1, { error: 'list at least one tag' }).optional(),
        project: z.string().min(1).optional(),
      })
      .superRefine((w, ctx) => {
        if ((w.name === undefined) === (w.tags === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: [],
            message: 'give exactly one of name (one workspace per stack) and tags',
          });
        }
      })
      .optional()
      .meta({
        description:
          'One workspace by name ({stack} stands for the stack name) or workspaces by tags. Default: { "name": "clickpipes-{stack}" }.',
      }),
  })
  .meta({ description: 'HCP Terraform or Terraform Enterprise (a cloud block).' });

/** The kinds of `backend`. */
export const BACKEND_TYPES = ['local', 's3', 'cloud'] as const;

const backend = z.discriminatedUnion('type', [localBackend, s3Backend, cloudBackend]).meta({
  description: 'Where Terraform keeps the state of the stacks. Default: local, ../../../terraform.{stack}.tfstate.',
});

const managedDatabase = z
  .strictObject({
    identifier: checked(
      dbIdentifierProblem,
      'DB instance or cluster identifier. Default: the source name in lower case.',
      '^[a-z][a-z0-9-]*$',
    ).optional(),
    engineVersion: z
      .string()
      .optional()
      .meta({ description: 'Engine version. Default: a current version of the engine.' }),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class like "db.t4g.micro"' })
      .optional(),
    allocatedStorage: z
      .int()
      .min(20)
      .max(65536)
      .optional()
      .meta({ description: 'GiB, RDS engines only. Default: 20.' }),
    dbName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, {
        error: 'expected 1 to 63 letters, digits and _, starting with a letter',
      })
      .optional(),
    masterUsername: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, {
        error: 'expected 1 to 16 letters, digits and _, starting with a letter',
      })
      .optional(),
    dbSubnetGroupName: z.string().min(1).optional(),
    vpcSecurityGroupIds: z
      .array(
        z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: 'expected a security group ID like "sg-0123456789abcdef0"' }),
      )
      .optional(),
    backupRetentionPeriod: z.int().min(0).max(35).optional(),
    publiclyAccessible: z.boolean().optional().meta({
      description:
        "Give the database a public address (publicly_accessible), so that ClickPipes can reach it from its static IPs (networkAccess) where the security groups allow. The subnet group must be of public subnets (the default VPC's are). Default: false (reach it over AWS PrivateLink instead).",
    }),
    deletionProtection: z.boolean().optional(),
  })
  .meta({
    description:
      'Create the database in this stack, with IAM authentication on (and CDC parameters for pipeMode "cdc").',
  });

const sourceName = checked(
  sourceNameProblem,
  'Names the Terraform resources and outputs, and the default role name.',
  '^[A-Za-z][A-Za-z0-9-]*$',
);
const roleName = checked(roleNameProblem, `IAM role name. Default: ${defaultRoleName('<name>')}.`).optional();
const sourceInheritable = inheritable("of this source's resources, on top of the provider's default tags");

/** `streams[1]` → `['streams', 1]`: a construct's field name as a config path. */
function fieldPath(field: string): (string | number)[] {
  return field
    .split(/[.[\]]+/)
    .filter(Boolean)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** A superRefine that reports the problems a source type's rule function finds, at their config paths. */
function reportProblems<T>(rules: (source: T) => readonly FieldProblem[]) {
  return (source: T, ctx: z.RefinementCtx) => {
    oneTrust(source as TrustLevel, ctx);
    for (const [field, message] of rules(source)) ctx.addIssue({ code: 'custom', message, path: fieldPath(field) });
  };
}

const rdsSource = z
  .strictObject({
    name: sourceName,
    type: z.enum(RDS_ENGINES).meta({ description: 'An RDS or Aurora engine: IAM database authentication.' }),
    dbInstanceIdentifier: checked(dbIdentifierProblem, 'An existing DB instance (RDS engines).').optional(),
    dbClusterIdentifier: checked(
      dbIdentifierProblem,
      'An existing DB cluster: an Aurora cluster (Aurora engines), or an RDS Multi-AZ DB cluster (rds-postgres, rds-mysql; set its CDC parameters in its DB cluster parameter group yourself).',
    ).optional(),
    resourceId: z.string().optional().meta({
      description:
        'Resource ID of an existing database: db-… (RDS DB instance) or cluster-… (Aurora cluster, or Multi-AZ DB cluster of rds-postgres/rds-mysql).',
      pattern: '^(db|cluster)-[A-Z0-9]+$',
    }),
    create: managedDatabase.optional(),
    dbUser: z
      .string()
      .optional()
      .meta({ description: `Database user ClickPipes logs in as. Default: ${DEFAULT_DB_USER}.` }),
    pipeMode: z.enum(PIPE_MODES).optional().meta({ description: 'Default: initial-load.' }),
    iamAuthForReplication: z.boolean().optional().meta({
      description:
        'PostgreSQL CDC on an existing database: states that rds.iam_auth_for_replication = 1 and rds.logical_replication = 1 are set.',
    }),
    engineVersion: z
      .string()
      .optional()
      .meta({ description: 'Engine version of an existing database (checks that CDC is possible).' }),
    roleName,
    ...sourceInheritable,
    ...databaseSideConfigFields,
  })
  .superRefine((source, ctx) => {
    oneTrust(source, ctx);
    const kind = ENGINES[source.type].kind;
    const forms: RdsDatabaseForm[] = [];
    if (source.dbInstanceIdentifier !== undefined) forms.push('dbInstanceIdentifier');
    if (source.dbClusterIdentifier !== undefined) forms.push('dbClusterIdentifier');
    if (source.resourceId !== undefined) forms.push('resourceId');
    if (source.create !== undefined) forms.push(kind);
    const configField = (field: string): (string | number)[] => {
      if (field === 'database') return [];
      if (field === 'instance' || field === 'cluster') return ['create'];
      if (field === 'engineVersion' && source.create) return ['create', 'engineVersion'];
      return [field];
    };
    const report = ([field, problem]: FieldProblem) =>
      ctx.addIssue({ code: 'custom', message: problem, path: configField(field) });
    if (source.create && source.engineVersion !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['engineVersion'],
        message: 'goes inside "create" for a database this stack creates: move it to create.engineVersion',
      });
      return;
    }
    if (source.create) {
      for (const [field, problem] of managedDatabaseProblems(source.name, source.type, source.create)) {
        ctx.addIssue({ code: 'custom', message: problem, path: ['create', field] });
      }
      const groups = repeatedItemProblems(
        source.create.vpcSecurityGroupIds ?? [],
        'vpcSecurityGroupIds',
        'security group',
      );
      for (const [field, problem] of groups)
        ctx.addIssue({ code: 'custom', message: problem, path: ['create', ...fieldPath(field)] });
    }
    if (source.create?.allocatedStorage !== undefined && kind === 'cluster') {
      ctx.addIssue({
        code: 'custom',
        message: 'Aurora storage grows by itself: remove allocatedStorage',
        path: ['create', 'allocatedStorage'],
      });
    }
    rdsAccessProblems({
      engine: source.type,
      forms,
      resourceId: source.resourceId,
      dbUser: source.dbUser ?? DEFAULT_DB_USER,
      pipeMode: source.pipeMode ?? 'initial-load',
      iamAuthForReplication: source.iamAuthForReplication,
      engineVersion: source.create
        ? (source.create.engineVersion ?? ENGINES[source.type].defaultVersion)
        : source.engineVersion,
      managedParameters: source.create !== undefined,
      formNames: { instance: 'create', cluster: 'create' },
      grants: source,
      networkAccess: source.networkAccess,
      databaseSecurityGroupIds: source.create?.vpcSecurityGroupIds,
      publiclyAccessible: source.create ? (source.create.publiclyAccessible ?? false) : undefined,
    }).forEach(report);
  });

const kmsKeyArns = z
  .array(z.string().meta({ pattern: '^arn:(aws|aws-cn|aws-us-gov):kms:' }))
  .optional()
  .meta({
    description:
      'Customer managed KMS keys the data is encrypted with, by key ARN ("arn:aws:kms:REGION:ACCOUNT:key/KEY_ID"): the role may kms:Decrypt with exactly these.',
  });

const kinesisSource = z
  .strictObject({
    name: sourceName,
    type: z.literal('kinesis').meta({ description: 'Kinesis data streams: role-based access.' }),
    streams: z.array(z.string()).meta({
      description:
        'The streams ClickPipes reads: a stream name (in this account and region) or a stream ARN, "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME".',
    }),
    roleName: checked(
      roleNameProblem,
      `IAM role name; ClickPipes requires it to start with ${ROLE_NAME_PREFIX}. Default: ${defaultRoleName('<name>')}.`,
      `^${ROLE_NAME_PREFIX}`,
    ).optional(),
    kmsKeyArns,
    ...sourceInheritable,
  })
  .superRefine(
    reportProblems((source) =>
      kinesisAccessProblems({
        roleName: source.roleName ?? defaultRoleName(source.name),
        streams: source.streams,
        kmsKeyArns: source.kmsKeyArns,
      }),
    ),
  );

const s3Source = z
  .strictObject({
    name: sourceName,
    type: z.literal('s3').meta({ description: 'S3 buckets: role-based access.' }),
    buckets: z.array(z.string().meta({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })).meta({
      description: 'The buckets ClickPipes reads, by name.',
    }),
    prefix: z.string().optional().meta({
      description: 'A key prefix narrowing the object permissions to BUCKET/<prefix>*, e.g. "exports/".',
    }),
    sqsQueueArn: z.string().optional().meta({
      description: "The SQS queue ARN of continuous ingestion (the buckets' event notifications).",
      pattern: '^arn:(aws|aws-cn|aws-us-gov):sqs:',
    }),
    kmsKeyArns,
    roleName,
    ...sourceInheritable,
  })
  .superRefine(reportProblems(s3AccessProblems));

const mskSource = z
  .strictObject({
    name: sourceName,
    type: z.literal('msk').meta({ description: 'Amazon MSK with IAM access control: role-based access.' }),
    clusterArn: z.string().meta({
      description: 'The MSK cluster ARN, "arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID".',
      pattern: '^arn:(aws|aws-cn|aws-us-gov):kafka:',
    }),
    topics: z.array(z.string()).optional().meta({
      description: 'Topic names, or patterns with * for any characters. Default: every topic of the cluster.',
    }),
    consumerGroups: z.array(z.string()).optional().meta({
      description: 'Consumer group names, or patterns with *. Default: every consumer group of the cluster.',
    }),
    roleName,
    ...sourceInheritable,
  })
  .superRefine(reportProblems(mskAccessProblems));

const sourceSchema = z.discriminatedUnion('type', [rdsSource, kinesisSource, s3Source, mskSource]);

/** The `type`s of a source. */
export const SOURCE_TYPES = [...RDS_ENGINES, 'kinesis', 's3', 'msk'] as const;

const stackName = checked(
  stackNameProblem,
  'Stack name: the synthesized stack is cdktf.out/stacks/<name> (<name>-<region> for each of regions).',
  '^[A-Za-z][A-Za-z0-9_-]*$',
);
const region = checked(
  regionProblem,
  'AWS region of the sources, e.g. us-east-1.',
  '^[a-z]{2}(-gov)?-[a-z]+-\\d{1,2}$',
);
const sources = z.array(sourceSchema).min(1, { error: 'list at least one source' });

const regionEntry = z.strictObject({ region, sources });

const account = z
  .strictObject({
    name: stackName,
    accountId: checked(accountIdProblem, '12-digit AWS account ID.', '^\\d{12}$'),
    region: region.optional(),
    sources: sources.optional(),
    regions: z.array(regionEntry).min(1, { error: 'list at least one region' }).optional().meta({
      description:
        'Several regions of the account, one stack each, named <name>-<region>. Instead of region and sources.',
    }),
    assumeRoleArn: z.string().optional().meta({
      description: "A role in this account that the deployer's aws provider assumes (assume_role.role_arn).",
      pattern: '^arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/',
    }),
    assumeRoleSessionName: checked(sessionNameProblem, 'Session name of the assumed role.').optional(),
    assumeRoleExternalId: checked(externalIdProblem, 'External ID the assumed role requires.').optional(),
    ...inheritable("of every resource of this account's stacks (the provider's default tags), over the top-level tags"),
    dbUser: dbUserDefault,
    backend: backend.optional(),
    iamQuotas: iamQuotas.optional(),
    awsProviderVersion: awsProviderVersion.optional(),
  })
  .superRefine((acct, ctx) => {
    oneTrust(acct, ctx);
    const single = acct.region !== undefined || acct.sources !== undefined;
    if (single && acct.regions !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions'],
        message: 'give either region and sources (one stack) or regions (a stack per region), not both',
      });
    } else if (acct.regions === undefined) {
      if (acct.region === undefined)
        ctx.addIssue({ code: 'custom', path: ['region'], message: 'missing; expected a string (or give regions)' });
      if (acct.sources === undefined)
        ctx.addIssue({ code: 'custom', path: ['sources'], message: 'missing; expected an array (or give regions)' });
    }
    if (acct.assumeRoleArn !== undefined) {
      const problem = assumeRoleArnProblem(acct.assumeRoleArn, acct.accountId, acct.region);
      if (problem) ctx.addIssue({ code: 'custom', path: ['assumeRoleArn'], message: problem });
    }
    if (acct.assumeRoleArn === undefined) {
      for (const field of ['assumeRoleSessionName', 'assumeRoleExternalId'] as const) {
        if (acct[field] !== undefined)
          ctx.addIssue({ code: 'custom', path: [field], message: 'needs assumeRoleArn: add it, or remove this' });
      }
    }
  });

/** The config schema of the app: `clickpipes.config.json` (or `.yaml`). */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
    ...inheritable('of every resource (the default tags of every aws provider)'),
    dbUser: dbUserDefault,
    backend: backend.optional(),
    iamQuotas: iamQuotas.optional(),
    awsProviderVersion: awsProviderVersion.optional(),
    accounts: z.array(account).min(1, { error: 'list at least one account' }),
  })
  .superRefine((config, ctx) => {
    oneTrust(config, ctx);
    for (const [path, message] of configStackProblems(config)) ctx.addIssue({ code: 'custom', path, message });
  });

/** A parsed, checked config. */
export type ClickPipesConfig = z.infer<typeof configSchema>;
export type AccountConfig = ClickPipesConfig['accounts'][number];
export type RegionConfig = NonNullable<AccountConfig['regions']>[number];
/** An account entry as one stack sees it: one region and its sources (an entry with `regions`, narrowed). */
export type StackAccountConfig = Omit<AccountConfig, 'regions' | 'region' | 'sources'> & {
  readonly region: string;
  readonly sources: SourceConfig[];
};
export type SourceConfig = RegionConfig['sources'][number];
export type BackendConfig = NonNullable<ClickPipesConfig['backend']>;
export type ClickHouseServiceConfig = NonNullable<ClickPipesConfig['clickHouseService']>;
/** The top-level fields that account entries and sources inherit. */
export type ConfigDefaults = Pick<
  ClickPipesConfig,
  'clickHouseIamRoleArn' | 'clickHouseService' | 'tags' | 'dbUser' | 'backend' | 'awsProviderVersion'
>;
export type RdsSourceConfig = Exclude<SourceConfig, { type: 'kinesis' | 's3' | 'msk' }>;
export type KinesisSourceConfig = Extract<SourceConfig, { type: 'kinesis' }>;
export type S3SourceConfig = Extract<SourceConfig, { type: 's3' }>;
export type MskSourceConfig = Extract<SourceConfig, { type: 'msk' }>;

/**
 * `accounts[0].sources[1].resourceId` from a zod path. A key that is neither a plain name nor a
 * path (an empty one, one with a space) is written quoted, `sources[0]["a b"]`, so that the path
 * stays unambiguous.
 */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    // A key may be a path already (`schemas[1]`, `networkAccess.clickHouseRegion`): kept as it is.
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d+\])*$/.test(name)) return `${text}[${JSON.stringify(name)}]`;
    return text ? `${text}.${name}` : name;
  }, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One line for one zod issue, with the path it concerns: the config path, what was wrong and what is expected. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): [PropertyKey[], string][] {
  const where = pathText(issue.path) || '(top level)';
  const value = valueAt(input, issue.path);
  const at = (line: string): [PropertyKey[], string][] => [[issue.path, `${where}: ${line}`]];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => {
        const likely = likelyField(configSchema, issue.path, input, k);
        return [
          [...issue.path, k],
          `${pathText([...issue.path, k])}: unknown field; check its spelling${likely ? `: did you mean "${likely}"?` : ' against the schema (schema/clickpipes.config.schema.json)'}`,
        ];
      });
    case 'invalid_union':
      if ('discriminator' in issue) {
        const backend = issue.path.includes('backend');
        const kinds: readonly string[] = backend ? BACKEND_TYPES : SOURCE_TYPES;
        return at(
          `${value === undefined ? 'missing' : `${shown(value)} is not a ${backend ? 'backend' : 'source'} type`}; expected one of ${kinds.map((t) => JSON.stringify(t)).join(', ')}`,
        );
      }
      return at(issue.message);
    case 'invalid_value':
      return at(
        `${shown(value)} is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
      );
    case 'invalid_type': {
      const expected =
        issue.expected === 'int' ? 'an integer' : `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
      if (value === undefined) return at(`missing; expected ${expected}`);
      if (value === null) return at(`expected ${expected}, got null (an empty value)`);
      if (typeof value === 'number' && issue.expected === 'string') {
        const written = numberAsWritten(input, issue.path);
        return at(
          written === undefined
            ? `expected a string, got number ${value}; write it in quotes: "${value}"`
            : `${written} is read by YAML as the number ${value}; write it in quotes: "${written}"`,
        );
      }
      return at(`expected ${expected}, got ${typeName(value)} ${shown(value)}`);
    }
    case 'too_small':
      return at(
        issue.origin === 'number'
          ? `${shown(value)} is out of range; expected at least ${issue.minimum}`
          : issue.message,
      );
    case 'too_big':
      return at(
        issue.origin === 'number'
          ? `${shown(value)} is out of range; expected at most ${issue.maximum}`
          : issue.message,
      );
    default:
      return at(issue.message);
  }
}

/**
 * Parses and checks a config. Every problem is reported at once, in the order of the file, each
 * with its config path (`accounts[0].sources[1].resourceId`), what was wrong and what is expected.
 *
 * @param origin where the config came from, for messages (a file name)
 * @throws ClickPipesInputError
 */
export function parseConfig(input: unknown, origin = 'config'): ClickPipesConfig {
  const shape = inputShape(input);
  if (shape.problems.length) {
    throw new ClickPipesInputError(
      shape.problems.map(([path, problem]) => `${origin}: ${pathText(path) || '(top level)'}: ${problem}`),
    );
  }
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues
    .flatMap((issue) => describeIssue(issue, input))
    .map(([path, line], n) => ({ line, n, at: positionOf(shape.order, path) }))
    // In file order; problems of one place in the order zod found them.
    .sort((a, b) => a.at - b.at || a.n - b.n);
  throw new ClickPipesInputError(lines.map(({ line }) => `${origin}: ${line}`));
}

/** The JSON Schema of the config, for editors (published as schema/clickpipes.config.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'cdktf-clickpipes-aws config',
    description:
      'ClickPipes secure access on AWS: the ClickHouse service role to trust, and per AWS account the region and the RDS/Aurora sources. Generated from lib/config/config.ts by `npm run schema`.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
