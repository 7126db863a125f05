/**
 * The rules for every identifier this library accepts, shared by the config schema and the
 * constructs. Each rule returns `undefined` for a good value, or the problem as a sentence that
 * quotes the value and says what is expected; callers prefix it with the field's path.
 */

/** The AWS partitions ClickPipes roles can live in. */
export type AwsPartition = 'aws' | 'aws-cn' | 'aws-us-gov';

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const ACCOUNT_ID = /^\d{12}$/;
/** IAM role name characters (IAM `RoleName`: `[\w+=,.@-]+`, 1 to 64). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const RESOURCE_ID = /^(db|cluster)-[A-Z0-9]{1,64}$/;
const DB_USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const SOURCE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const DB_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]*(?<!-)$/;

/** Prefix of the role names this library derives (required for Kinesis, the docs' convention elsewhere). */
export const ROLE_NAME_PREFIX = 'ClickHouseAccessRole-';

/** The role name of a source that sets none: `ClickHouseAccessRole-<name>`. */
export function defaultRoleName(sourceName: string): string {
  return `${ROLE_NAME_PREFIX}${sourceName}`;
}

/** The longest source name: the prefix (21) plus the name fits IAM's 64. */
export const MAX_SOURCE_NAME_LENGTH = 64 - ROLE_NAME_PREFIX.length;

const show = (v: unknown): string => JSON.stringify(v);

/** The partition of a region: `cn-*` is `aws-cn`, `us-gov-*` is `aws-us-gov`, the rest `aws`. */
export function partitionOf(region: string): AwsPartition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function regionProblem(region: string): string | undefined {
  if (/^(us-iso|eu-iso)/.test(region)) {
    return `${show(region)} is in an isolated partition, which ClickPipes does not reach; use a region of the aws, aws-cn or aws-us-gov partition`;
  }
  if (!REGION.test(region)) {
    return `${show(region)} is not an AWS region code; expected one like "us-east-1", "eu-central-2" or "us-gov-west-1"`;
  }
  return undefined;
}

export function accountIdProblem(accountId: string): string | undefined {
  return ACCOUNT_ID.test(accountId)
    ? undefined
    : `${show(accountId)} is not an AWS account ID; expected exactly 12 digits, as a string (e.g. "123456789012")`;
}

export function roleNameProblem(name: string): string | undefined {
  if (name.length > 64) return `${show(name)} has ${name.length} characters; IAM role names have at most 64`;
  return ROLE_NAME.test(name)
    ? undefined
    : `${show(name)} is not a valid IAM role name; use 1 to 64 letters, digits and + = , . @ _ -`;
}

/** The parts of an IAM role ARN, or undefined when it is not one. */
export function parseRoleArn(
  arn: string,
): { partition: AwsPartition; accountId: string; roleName: string } | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { partition: m[1] as AwsPartition, accountId: m[2], roleName: m[3] } : undefined;
}

/**
 * The ClickHouse service's IAM role ARN ("Service role ID (IAM)" in the ClickHouse Cloud console,
 * service Settings, Network security information).
 */
export function clickHouseIamRoleArnProblem(arn: string): string | undefined {
  return parseRoleArn(arn)
    ? undefined
    : `${show(arn)} is not an IAM role ARN; expected the ClickHouse service's "Service role ID (IAM)" ` +
        'from the ClickHouse Cloud console (service Settings, Network security information), ' +
        'like "arn:aws:iam::123456789012:role/CH-S3-example-Role"';
}

/**
 * A role in one partition cannot assume a role in another, so the ClickHouse role and the
 * customer's role must share the partition.
 */
export function partitionMismatchProblem(clickHouseIamRoleArn: string, region: string): string | undefined {
  const parsed = parseRoleArn(clickHouseIamRoleArn);
  const partition = partitionOf(region);
  if (parsed && parsed.partition !== partition) {
    return (
      `the ClickHouse role ${show(clickHouseIamRoleArn)} is in partition ${parsed.partition} but region ` +
      `${show(region)} is in partition ${partition}; IAM roles cannot be assumed across partitions`
    );
  }
  return undefined;
}

/** The kind of RDS resource a resource ID names. */
export type ResourceIdKind = 'instance' | 'cluster';

/**
 * The problem with a resource ID for an engine of this kind, or undefined. `multiAzCluster`: the
 * (instance) engine also runs as an RDS Multi-AZ DB cluster, whose `cluster-…` ID is accepted too.
 */
export function resourceIdProblem(
  resourceId: string,
  expected: ResourceIdKind,
  multiAzCluster = false,
): string | undefined {
  const m = RESOURCE_ID.exec(resourceId);
  const example = expected === 'instance' ? '"db-ABCDEFGHIJKL0123456789ABCD"' : '"cluster-ABCDEFGHIJKL0123456789AB"';
  const where =
    'the Resource ID on the Configuration tab of the RDS console, or `aws rds describe-db-' +
    (expected === 'instance' ? 'instances` (DbiResourceId)' : 'clusters` (DbClusterResourceId)');
  if (!m) {
    return `${show(resourceId)} is not an RDS resource ID; expected ${where}, like ${example}`;
  }
  const kind: ResourceIdKind = m[1] === 'db' ? 'instance' : 'cluster';
  if (kind !== expected && !(multiAzCluster && expected === 'instance')) {
    return expected === 'instance'
      ? `${show(resourceId)} is a cluster resource ID (Aurora or Multi-AZ DB cluster), but this engine runs on a DB instance only (AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only); expected an instance resource ID (${where}), like ${example}`
      : `${show(resourceId)} is a DB instance resource ID, but Aurora IAM authentication is granted on the cluster; expected the cluster resource ID (${where}), like ${example}`;
  }
  return undefined;
}

/**
 * A database user name usable both in SQL and in the `rds-db:connect` resource ARN. `*` and `?`
 * are refused because IAM reads them as wildcards, which would widen the grant.
 */
export function dbUserProblem(dbUser: string, dialect: 'postgres' | 'mysql', maxLength: number): string | undefined {
  if (dbUser.length === 0 || dbUser.length > maxLength) {
    return `${show(dbUser)} has ${dbUser.length} characters; ${dialect === 'postgres' ? 'PostgreSQL' : 'this engine'} user names have 1 to ${maxLength}`;
  }
  if (!DB_USER.test(dbUser)) {
    return (
      `${show(dbUser)} is not a usable database user name; start with a letter or _ and use only letters, digits, _ . - ` +
      '(IAM reads * and ? in the rds-db ARN as wildcards)'
    );
  }
  if (dialect === 'postgres' && /^pg_/i.test(dbUser)) {
    return `${show(dbUser)} starts with "pg_", which PostgreSQL reserves for its own roles; choose another name`;
  }
  if (/^rds/i.test(dbUser)) {
    return `${show(dbUser)} starts with "rds", which RDS reserves for its own users and roles; choose another name`;
  }
  return undefined;
}

export function sourceNameProblem(name: string): string | undefined {
  if (!SOURCE_NAME.test(name)) {
    return `${show(name)} is not a valid source name; start with a letter and use only letters, digits and hyphens (it names Terraform resources, outputs and the IAM role)`;
  }
  if (name.length > MAX_SOURCE_NAME_LENGTH) {
    return `${show(name)} has ${name.length} characters; at most ${MAX_SOURCE_NAME_LENGTH}, so that "${defaultRoleName(name)}" fits IAM's 64 (or set roleName)`;
  }
  return undefined;
}

export function stackNameProblem(name: string): string | undefined {
  return STACK_NAME.test(name) && name.length <= 64
    ? undefined
    : `${show(name)} is not a valid stack name; start with a letter and use at most 64 letters, digits, _ and - (it names the folder cdktf.out/stacks/<name>)`;
}

/** RDS DB instance and cluster identifiers: 1 to 63 lowercase letters, digits and single hyphens. */
export function dbIdentifierProblem(identifier: string): string | undefined {
  return DB_IDENTIFIER.test(identifier) && identifier.length <= 63
    ? undefined
    : `${show(identifier)} is not a valid RDS identifier; use 1 to 63 lowercase letters, digits and hyphens, starting with a letter, with no "--" and no trailing hyphen`;
}

const PARTITION = '(aws|aws-cn|aws-us-gov)';
const ARN_REGION = '([a-z]{2}(?:-gov)?-[a-z]+-\\d{1,2})';
const KINESIS_STREAM_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
const KINESIS_STREAM_ARN = new RegExp(`^arn:${PARTITION}:kinesis:${ARN_REGION}:(\\d{12}):stream/([^/]+)$`);
const SQS_QUEUE_ARN = new RegExp(
  `^arn:${PARTITION}:sqs:${ARN_REGION}:(\\d{12}):([A-Za-z0-9_-]{1,75}(?:\\.fifo)?|[A-Za-z0-9_-]{1,80})$`,
);
const MSK_CLUSTER_ARN = new RegExp(
  `^arn:${PARTITION}:kafka:${ARN_REGION}:(\\d{12}):cluster/([A-Za-z0-9][A-Za-z0-9-]{0,63})/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[a-z0-9]+)$`,
);
const KAFKA_NAME_PATTERN = /^[A-Za-z0-9._*-]+$/;

/** The parts of an ARN of a regional resource. */
export interface ArnParts {
  readonly partition: AwsPartition;
  readonly region: string;
  readonly accountId: string;
}

/** The Kinesis role rule of ClickPipes: its name must start with `ClickHouseAccessRole-`. */
export function kinesisRoleNameProblem(name: string): string | undefined {
  return name.startsWith(ROLE_NAME_PREFIX)
    ? undefined
    : `${show(name)} does not start with "${ROLE_NAME_PREFIX}", which ClickPipes requires of the role name for Kinesis; use e.g. "${ROLE_NAME_PREFIX}${name.slice(0, 64 - ROLE_NAME_PREFIX.length)}"`;
}

export function kinesisStreamNameProblem(name: string): string | undefined {
  return KINESIS_STREAM_NAME.test(name)
    ? undefined
    : `${show(name)} is not a Kinesis stream name; use 1 to 128 letters, digits and _ . - (or give the stream ARN, "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME")`;
}

/** The parts of a Kinesis stream ARN, or undefined when it is not one. */
export function parseKinesisStreamArn(arn: string): (ArnParts & { streamName: string }) | undefined {
  const m = KINESIS_STREAM_ARN.exec(arn);
  return m && KINESIS_STREAM_NAME.test(m[4])
    ? { partition: m[1] as AwsPartition, region: m[2], accountId: m[3], streamName: m[4] }
    : undefined;
}

/** A stream given as a name (the stack's account and region) or as an ARN. */
export function kinesisStreamProblem(stream: string): string | undefined {
  if (!stream.startsWith('arn:')) return kinesisStreamNameProblem(stream);
  return parseKinesisStreamArn(stream)
    ? undefined
    : `${show(stream)} is not a Kinesis stream ARN; expected "arn:aws:kinesis:REGION:ACCOUNT:stream/NAME" (the stream's ARN in the Kinesis console), or just the stream name`;
}

/**
 * S3 general purpose bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, starting
 * and ending with a letter or digit, no "..", not an IP address, none of the reserved prefixes
 * and suffixes.
 */
export function s3BucketNameProblem(name: string): string | undefined {
  const rule =
    'use 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit (the bucket name, not its ARN or URL)';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
    return `${show(name)} is not an S3 bucket name; ${rule}`;
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name))
    return `${show(name)} is formatted as an IP address, which S3 bucket names cannot be`;
  const reserved = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (reserved)
    return `${show(name)} starts with "${reserved}", which S3 reserves; it is not a general purpose bucket name`;
  const suffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) => name.endsWith(s));
  if (suffix) {
    return `${show(name)} ends with "${suffix}", which names an access point alias, a Multi-Region Access Point or a directory bucket; ClickPipes reads general purpose buckets: give the bucket's own name`;
  }
  return undefined;
}

/** A key prefix narrowing the object permissions: `exports/` grants `BUCKET/exports/*`. */
export function s3PrefixProblem(prefix: string): string | undefined {
  if (prefix.length === 0 || prefix.length > 1024) {
    return `${show(prefix)} has ${prefix.length} characters; an S3 key prefix has 1 to 1024 (leave prefix out to grant the whole bucket)`;
  }
  if (prefix.startsWith('/')) {
    return `${show(prefix)} starts with "/", but S3 keys do not; write the prefix as ClickPipes paths show it after the bucket, e.g. "exports/2024/"`;
  }
  if (/[*?$]/.test(prefix) || /[\u0000-\u001f\u007f]/.test(prefix)) {
    return `${show(prefix)} holds * ? $ or a control character, which IAM would read as a wildcard or variable; give a literal key prefix like "exports/"`;
  }
  return undefined;
}

/** The parts of an SQS queue ARN, or undefined when it is not one. */
export function parseSqsQueueArn(arn: string): (ArnParts & { queueName: string }) | undefined {
  const m = SQS_QUEUE_ARN.exec(arn);
  return m ? { partition: m[1] as AwsPartition, region: m[2], accountId: m[3], queueName: m[4] } : undefined;
}

export function sqsQueueArnProblem(arn: string): string | undefined {
  return parseSqsQueueArn(arn)
    ? undefined
    : `${show(arn)} is not an SQS queue ARN; expected "arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME" (Queue details, ARN, in the SQS console; not the queue URL)`;
}

/** The parts of an MSK cluster ARN, or undefined when it is not one. */
export function parseMskClusterArn(arn: string): (ArnParts & { clusterName: string; clusterUuid: string }) | undefined {
  const m = MSK_CLUSTER_ARN.exec(arn);
  return m
    ? { partition: m[1] as AwsPartition, region: m[2], accountId: m[3], clusterName: m[4], clusterUuid: m[5] }
    : undefined;
}

export function mskClusterArnProblem(arn: string): string | undefined {
  return parseMskClusterArn(arn)
    ? undefined
    : `${show(arn)} is not an MSK cluster ARN; expected "arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID" (Cluster ARN in the MSK console), like "arn:aws:kafka:us-east-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5"`;
}

/** A Kafka topic or consumer group name, where `*` stands for any characters (IAM's wildcard). */
export function kafkaNamePatternProblem(pattern: string, what: 'topic' | 'consumer group'): string | undefined {
  const max = what === 'topic' ? 249 : 255;
  if (pattern.length === 0 || pattern.length > max || !KAFKA_NAME_PATTERN.test(pattern)) {
    return `${show(pattern)} is not a ${what} name or pattern; use 1 to ${max} letters, digits and . _ -, with * for any characters (e.g. "orders", "orders.*")`;
  }
  return undefined;
}

/** The partition of an ARN the policy names must be the one of the role that the policy belongs to. */
export function arnPartitionProblem(
  arn: string,
  partition: AwsPartition,
  rolePartition: AwsPartition,
): string | undefined {
  return partition === rolePartition
    ? undefined
    : `${show(arn)} is in partition ${partition}, but the role is in partition ${rolePartition}; IAM policies cannot grant access across partitions`;
}

const CLICKHOUSE_SERVICE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A ClickHouse Cloud service ID (a UUID), as the `clickhouse_service` data source takes it. */
export function clickHouseServiceIdProblem(id: string): string | undefined {
  return CLICKHOUSE_SERVICE_ID.test(id)
    ? undefined
    : `${show(id)} is not a ClickHouse Cloud service ID; expected the service's UUID (ClickHouse Cloud console: the service, Settings, "Service ID"), like "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"`;
}

/**
 * The role the deployer's `aws` provider assumes in the account entry's account: an IAM role ARN
 * in that account, in the partition of its region.
 */
export function assumeRoleArnProblem(arn: string, accountId: string, region: string | undefined): string | undefined {
  const parsed = parseRoleArn(arn);
  if (!parsed) {
    return `${show(arn)} is not an IAM role ARN; expected the role Terraform assumes in this account, like "arn:aws:iam::${ACCOUNT_ID.test(accountId) ? accountId : '123456789012'}:role/terraform-deployer"`;
  }
  if (ACCOUNT_ID.test(accountId) && parsed.accountId !== accountId) {
    return `${show(arn)} is a role in account ${parsed.accountId}, but the account entry is for account ${accountId}; the provider would refuse the other account (allowed_account_ids): use the role in ${accountId}`;
  }
  if (region !== undefined && !regionProblem(region) && parsed.partition !== partitionOf(region)) {
    return `${show(arn)} is in partition ${parsed.partition}, but region ${show(region)} is in partition ${partitionOf(region)}; use the role of that partition`;
  }
  return undefined;
}

/** `sts:AssumeRole` RoleSessionName: 2 to 64 of `[\w+=,.@-]`. */
export function sessionNameProblem(name: string): string | undefined {
  return /^[\w+=,.@-]{2,64}$/.test(name)
    ? undefined
    : `${show(name)} is not a valid role session name; use 2 to 64 letters, digits and + = , . @ _ -`;
}

/** `sts:AssumeRole` ExternalId: 2 to 1,224 of `[\w+=,.@:/-]`. */
export function externalIdProblem(id: string): string | undefined {
  return /^[\w+=,.@:/-]{2,1224}$/.test(id)
    ? undefined
    : `${show(id)} is not a valid external ID; use 2 to 1224 letters, digits and + = , . @ : / _ -`;
}

/** AWS tag keys: 1 to 128 of letters, digits, spaces and `_ . : / = + - @`, not starting with `aws:`. */
export function tagKeyProblem(key: string): string | undefined {
  if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(key)) {
    return `tag key ${show(key)} is not valid; use 1 to 128 letters, digits, spaces and _ . : / = + - @`;
  }
  if (/^aws:/i.test(key)) return `tag key ${show(key)} starts with "aws:", which AWS reserves for its own tags`;
  return undefined;
}

/** AWS tag values: 0 to 256 of letters, digits, spaces and `_ . : / = + - @`. */
export function tagValueProblem(value: string): string | undefined {
  return /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(value)
    ? undefined
    : `tag value ${show(value)} is not valid; use at most 256 letters, digits, spaces and _ . : / = + - @`;
}

/** AWS's cap on the tags of one resource (the provider's default tags included). */
export const MAX_TAGS = 50;

/** The S3 key of a Terraform state: no leading or trailing `/`, no `//`. */
export function stateKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.endsWith('/') || key.includes('//')) {
    return `${show(key)} is not a usable state key; use a path inside the bucket with no leading or trailing "/" and no "//", like "clickpipes/{stack}.tfstate"`;
  }
  return undefined;
}

/** A local state path: relative (to the stack folder), so that the output is the same on every machine. */
export function localStatePathProblem(p: string): string | undefined {
  if (p.length === 0 || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('~')) {
    return `${show(p)} is not a relative path; give the state path relative to the stack folder (e.g. "../../../terraform.{stack}.tfstate"), so that the output is the same on every machine`;
  }
  return undefined;
}

const KMS_KEY_ARN = new RegExp(
  `^arn:${PARTITION}:kms:${ARN_REGION}:\\d{12}:(key/(mrk-[0-9a-f]{32}|[0-9a-f-]{36})|alias/[A-Za-z0-9/_-]{1,250})$`,
);

/** The KMS key of the state encryption: a key ARN or an alias ARN (Terraform's S3 backend refuses other forms). */
export function kmsKeyArnProblem(arn: string): string | undefined {
  return KMS_KEY_ARN.test(arn)
    ? undefined
    : `${show(arn)} is not a KMS key ARN; expected "arn:aws:kms:REGION:ACCOUNT:key/KEY_ID" or "arn:aws:kms:REGION:ACCOUNT:alias/NAME"`;
}
/**
 * A schema, database, table or publication name as the SQL of this library quotes it. Quoting
 * keeps every character, so only what the database itself refuses is a problem: an empty name,
 * control characters, names longer than PostgreSQL's 63 bytes (it would cut them silently) or
 * MySQL's 64 characters, a trailing space and characters beyond U+FFFF (MySQL, MariaDB).
 */
export function sqlIdentifierProblem(name: string, dialect: 'postgres' | 'mysql'): string | undefined {
  if (name.length === 0) return 'is empty; expected a name';
  if (/[\u0000-\u001f\u007f]/.test(name))
    return `${show(name)} holds a control character; expected printable characters`;
  if (dialect === 'postgres') {
    const bytes = Buffer.byteLength(name, 'utf8');
    return bytes > 63
      ? `${show(name)} has ${bytes} bytes in UTF-8; PostgreSQL names have at most 63 (it would cut the rest off)`
      : undefined;
  }
  if ([...name].length > 64)
    return `${show(name)} has ${[...name].length} characters; MySQL/MariaDB names have at most 64`;
  if (name.endsWith(' ')) return `${show(name)} ends with a space, which MySQL/MariaDB names cannot`;
  if ([...name].some((c) => c.codePointAt(0)! > 0xffff)) {
    return `${show(name)} holds a character beyond U+FFFF, which MySQL/MariaDB names cannot`;
  }
  return undefined;
}

/** A role the S3 backend assumes for the state bucket. */
export function stateRoleArnProblem(arn: string): string | undefined {
  return parseRoleArn(arn)
    ? undefined
    : `${show(arn)} is not an IAM role ARN; expected the role Terraform assumes for the state bucket, like "arn:aws:iam::123456789012:role/terraform-state"`;
}

/**
 * `[field[n], problem]` for each item of a list that repeats an earlier one, e.g.
 * `streams[2]: "clicks" is already streams[0]; list each stream once`.
 */
export function repeatedItemProblems(
  list: readonly string[],
  field: string,
  what: string,
): (readonly [field: string, problem: string])[] {
  const first = new Map<string, number>();
  const problems: (readonly [string, string])[] = [];
  list.forEach((item, n) => {
    const seen = first.get(item);
    if (seen === undefined) first.set(item, n);
    else problems.push([`${field}[${n}]`, `${show(item)} is already ${field}[${seen}]; list each ${what} once`]);
  });
  return problems;
}
