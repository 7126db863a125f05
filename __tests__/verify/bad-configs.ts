/**
 * The bad-input matrix: one row per malformed config field and per refused combination, each a
 * change to a copy of a small valid config, with the config path that the error must name and
 * the text it must hold (what was wrong and the expected form). config.test.ts runs the rows
 * through parseConfig; bad-input.test.ts runs them through the app.
 */
import { EXAMPLE_CONFIG } from '../../lib';

/**
 * A small valid config, each bad-input row changes one thing in a copy of it: the example's
 * first account with its first two sources, `orders` (rds-postgres, dbInstanceIdentifier) and
 * `users` (aurora-mysql, resourceId, cdc, dbUser).
 */
export const valid = () => {
  const [first] = EXAMPLE_CONFIG.accounts;
  return structuredClone({ ...EXAMPLE_CONFIG, accounts: [{ ...first, sources: first.sources!.slice(0, 2) }] });
};
export type Config = ReturnType<typeof valid> & Record<string, unknown>;
export type Source = Record<string, unknown>;

export const src = (c: Config, i = 0) => c.accounts[0].sources[i] as Source;
/** Adds the example's source `name` (a Kinesis, S3 or MSK source) as accounts[0].sources[2] and returns it. */
const added = (c: Config, name: string): Source => {
  const source = structuredClone(EXAMPLE_CONFIG.accounts[0].sources!.find((s) => s.name === name)!);
  c.accounts[0].sources.push(source as never);
  return source as Source;
};

/** Makes source 0 (rds-postgres) name an existing RDS Multi-AZ DB cluster by its identifier. */
const multiAz = (c: Config, extra: Source = {}) => {
  delete src(c).dbInstanceIdentifier;
  Object.assign(src(c), { dbClusterIdentifier: 'orders-maz', ...extra });
};
/** PostgreSQL CDC on a Multi-AZ DB cluster of this version, reading listed tables. */
const multiAzCdc = (c: Config, engineVersion: string) => {
  delete src(c).schemas;
  multiAz(c, {
    pipeMode: 'cdc',
    iamAuthForReplication: true,
    engineVersion,
    tables: [{ schema: 'sales', name: 'orders' }],
  });
};

/** Makes source 0 a MariaDB database to create with `engineVersion` (CDC), in the account's region. */
const mariadb = (c: Config, engineVersion?: string, region?: string) => {
  delete src(c).dbInstanceIdentifier;
  delete src(c).networkAccess;
  Object.assign(src(c), {
    type: 'rds-mariadb',
    pipeMode: 'cdc',
    schemas: ['shop'],
    create: engineVersion ? { engineVersion } : {},
  });
  if (region) c.accounts[0].region = region;
};
const IAM_PAGE =
  /Supported Regions and DB engines for IAM database authentication in Amazon RDS.*Concepts\.RDS_Fea_Regions_DB-eng\.Feature\.IamDatabaseAuthentication\.html/;
const CLICKPIPES_PG_PAGE =
  /ClickHouse docs, https:\/\/clickhouse\.com\/docs\/integrations\/clickpipes\/postgres\/source\/rds/;
const both = (a: RegExp, b: RegExp) => new RegExp(`${a.source}.*${b.source}`);

/**
 * Accepted at the boundary of a rule that {@link BAD_CONFIG_ROWS} refuses just past it:
 * [what, mutation]. config.test.ts parses each, expecting no problem.
 */
export const BOUNDARY_CONFIG_ROWS: [string, (c: Config) => void][] = [
  ['MariaDB 10.11 in us-east-1 (IAM DB authentication from 10.11)', (c) => mariadb(c, '10.11')],
  [
    'MariaDB 11.4 in Asia Pacific (Malaysia) (IAM DB authentication from 11.4 there)',
    (c) => mariadb(c, '11.4', 'ap-southeast-5'),
  ],
  ['MariaDB with the default version in Asia Pacific (Taipei)', (c) => mariadb(c, undefined, 'ap-east-2')],
  ['PostgreSQL 12 (ClickPipes reads 12 and later)', (c) => (src(c).engineVersion = '12.22')],
  [
    'a MySQL source reading single tables',
    (c) => {
      delete src(c, 1).schemas;
      src(c, 1).tables = [{ schema: 'users', name: 'accounts' }];
    },
  ],
  ['Aurora MySQL binary logs kept 2,160 hours', (c) => (src(c, 1).binlogRetentionHours = 2160)],
  [
    'RDS for MySQL binary logs kept 168 hours',
    (c) =>
      Object.assign(src(c, 1), { type: 'rds-mysql', resourceId: 'db-ABCDEFGHIJKLMNOP', binlogRetentionHours: 168 }),
  ],
  [
    'a Kinesis stream encrypted with a customer managed key',
    (c) =>
      (added(c, 'clickstream').kmsKeyArns = [
        'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ]),
  ],
  // RDS Multi-AZ DB clusters (RDS for PostgreSQL and MySQL, not MariaDB): Amazon RDS User Guide,
  // "Creating a Multi-AZ DB cluster for Amazon RDS" and "Setting up PostgreSQL logical replication
  // with Multi-AZ DB clusters" (data/rds-multi-az-db-clusters.json).
  ['RDS for PostgreSQL on a Multi-AZ DB cluster, by cluster identifier', (c) => multiAz(c)],
  ['RDS for MySQL on a Multi-AZ DB cluster, by cluster resource ID (CDC)', (c) => (src(c, 1).type = 'rds-mysql')],
  ['PostgreSQL CDC on a Multi-AZ DB cluster at 14.8 (logical replication from 14.8-R2)', (c) => multiAzCdc(c, '14.8')],
  [
    'PostgreSQL CDC on a Multi-AZ DB cluster at 15.3 (logical replication from 15.3-R2)',
    (c) => multiAzCdc(c, '15.3.2'),
  ],
  [
    'network access to a created database that is publicly accessible',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      src(c).create = { publiclyAccessible: true, vpcSecurityGroupIds: ['sg-0123456789abcdef0'] };
    },
  ],
];

// One row per malformed field and per refused combination: [what, mutation, path, expected text].
export const BAD_CONFIG_ROWS: [string, (c: Config) => void, string, RegExp][] = [
  [
    'ClickHouse role ARN that is a user',
    (c) => (c.clickHouseIamRoleArn = 'arn:aws:iam::111122223333:user/x'),
    'clickHouseIamRoleArn',
    /is not an IAM role ARN; expected .*like "arn:aws:iam::123456789012:role\/CH-S3-example-Role"/,
  ],
  [
    'ClickHouse role ARN with a wildcard',
    (c) => (c.clickHouseIamRoleArn = 'arn:aws:iam::111122223333:role/*'),
    'clickHouseIamRoleArn',
    /is not an IAM role ARN; expected the ClickHouse service's "Service role ID \(IAM\)"/,
  ],
  [
    'ClickHouse role ARN missing',
    (c) => delete (c as Partial<Config>).clickHouseIamRoleArn,
    'clickHouseIamRoleArn',
    /missing; expected the ClickHouse service's IAM role ARN \(or clickHouseService\)/,
  ],
  [
    'account ID of 11 digits',
    (c) => (c.accounts[0].accountId = '12345678901'),
    'accounts[0].accountId',
    /"12345678901" is not an AWS account ID; expected exactly 12 digits/,
  ],
  [
    'account ID as a number',
    (c) => ((c.accounts[0] as Source).accountId = 123456789012),
    'accounts[0].accountId',
    /expected a string, got number 123456789012/,
  ],
  [
    'region',
    (c) => (c.accounts[0].region = 'US-EAST-1'),
    'accounts[0].region',
    /"US-EAST-1" is not an AWS region code; expected one like "us-east-1"/,
  ],
  [
    'isolated region',
    (c) => (c.accounts[0].region = 'us-iso-east-1'),
    'accounts[0].region',
    /isolated partition, .*; use a region of the aws, aws-cn or aws-us-gov partition/,
  ],
  [
    'partition mismatch',
    (c) => (c.accounts[0].region = 'cn-north-1'),
    'accounts[0].region',
    /is in partition aws but region "cn-north-1" is in partition aws-cn; IAM roles cannot be assumed across partitions/,
  ],
  [
    'resource ID in lower case',
    (c) => (src(c, 1).resourceId = 'cluster-abcdefghijklmnop'),
    'accounts[0].sources[1].resourceId',
    /is not an RDS resource ID; expected the Resource ID/,
  ],
  [
    'instance resource ID for Aurora',
    (c) => (src(c, 1).resourceId = 'db-ABCDEFGHIJKLMNOP'),
    'accounts[0].sources[1].resourceId',
    /is a DB instance resource ID, but Aurora IAM authentication is granted on the cluster; expected the cluster resource ID/,
  ],
  [
    // RDS for PostgreSQL and MySQL take one (a Multi-AZ DB cluster, BOUNDARY_CONFIG_ROWS); MariaDB has none.
    'cluster resource ID for RDS for MariaDB',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      Object.assign(src(c), { type: 'rds-mariadb', resourceId: 'cluster-ABCDEFGHIJKLMNOP' });
    },
    'accounts[0].sources[0].resourceId',
    /is a cluster resource ID \(Aurora or Multi-AZ DB cluster\), but this engine runs on a DB instance only \(AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only\); expected an instance resource ID/,
  ],
  [
    'cluster identifier for RDS for MariaDB',
    (c) => Object.assign(src(c, 1), { type: 'rds-mariadb', resourceId: undefined, dbClusterIdentifier: 'users-prod' }),
    'accounts[0].sources[1].dbClusterIdentifier',
    /rds-mariadb runs on a DB instance, not an Aurora cluster \(AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only; https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/UserGuide\/create-multi-az-db-cluster\.html\): use dbInstanceIdentifier/,
  ],
  [
    'PostgreSQL CDC on a Multi-AZ DB cluster at 14.7',
    (c) => multiAzCdc(c, '14.7'),
    'accounts[0].sources[0].pipeMode',
    /"cdc" reads the PostgreSQL write-ahead log with logical replication, which a Multi-AZ DB cluster supports from 14\.8-R2, 15\.3-R2, 16 on .*"14\.7": upgrade the DB cluster, or use "initial-load"/,
  ],
  [
    'PostgreSQL CDC on a Multi-AZ DB cluster at 13 (no logical replication there)',
    (c) => multiAzCdc(c, '13.15'),
    'accounts[0].sources[0].pipeMode',
    /a Multi-AZ DB cluster supports from 14\.8-R2.*"13\.15"/,
  ],
  [
    'PostgreSQL CDC on a Multi-AZ DB cluster, replication parameters not stated',
    (c) => multiAz(c, { pipeMode: 'cdc' }),
    'accounts[0].sources[0].pipeMode',
    /rds\.iam_auth_for_replication = 1 and rds\.logical_replication = 1 in the database's DB cluster parameter group/,
  ],
  [
    'a DB instance and a Multi-AZ DB cluster identifier at once',
    (c) => (src(c).dbClusterIdentifier = 'orders-maz'),
    'accounts[0].sources[0]',
    /name the database in exactly one way, not with dbInstanceIdentifier and dbClusterIdentifier/,
  ],
  [
    'engine',
    (c) => (src(c).type = 'rds-oracle'),
    'accounts[0].sources[0].type',
    /"rds-oracle" is not a source type; expected one of "rds-postgres", "aurora-postgres", "rds-mysql", "aurora-mysql", "rds-mariadb", "kinesis", "s3", "msk"/,
  ],
  [
    'pipe mode',
    (c) => (src(c).pipeMode = 'streaming'),
    'accounts[0].sources[0].pipeMode',
    /"streaming" is not allowed; expected one of "initial-load", "cdc"/,
  ],
  [
    'DB user with a wildcard',
    (c) => (src(c).dbUser = 'clickpipes*'),
    'accounts[0].sources[0].dbUser',
    /"clickpipes\*" is not a usable database user name; start with a letter or _ and use only letters, digits, _ \. - .*wildcards/,
  ],
  [
    'DB user with a space',
    (c) => (src(c).dbUser = 'click pipes'),
    'accounts[0].sources[0].dbUser',
    /is not a usable database user name; start with a letter or _/,
  ],
  [
    'DB user reserved by RDS',
    (c) => (src(c).dbUser = 'rdsadmin'),
    'accounts[0].sources[0].dbUser',
    /starts with "rds", which RDS reserves .*; choose another name/,
  ],
  [
    'DB user too long for MySQL',
    (c) => (src(c, 1).dbUser = 'a'.repeat(33)),
    'accounts[0].sources[1].dbUser',
    /has 33 characters; this engine user names have 1 to 32/,
  ],
  [
    'role name with a slash',
    (c) => (src(c).roleName = 'team/role'),
    'accounts[0].sources[0].roleName',
    /is not a valid IAM role name; use 1 to 64 letters, digits and/,
  ],
  [
    'source name with an underscore',
    (c) => (src(c).name = 'orders_db'),
    'accounts[0].sources[0].name',
    /"orders_db" is not a valid source name; start with a letter and use only letters, digits and hyphens/,
  ],
  [
    'source name too long for the role name',
    (c) => (src(c).name = 'o'.repeat(44)),
    'accounts[0].sources[0].name',
    /has 44 characters; at most 43/,
  ],
  [
    'duplicate source names',
    (c) => (src(c, 1).name = 'Orders'),
    'accounts[0].sources[1].name',
    /"Orders" is already the name of accounts\[0\]\.sources\[0\]; source names must be unique within an account entry/,
  ],
  [
    'duplicate account names',
    (c) => c.accounts.push({ ...c.accounts[0], accountId: '210987654321' }),
    'accounts[1].name',
    /"prod" is already the name of accounts\[0\]'s stack; stack names must be unique \(ignoring case\)/,
  ],
  [
    'the same role name twice in one AWS account',
    (c) => c.accounts.push({ ...c.accounts[0], name: 'prod-eu', region: 'eu-west-1' }),
    'accounts[1].sources[0].name',
    /role name "ClickHouseAccessRole-orders" is already used by accounts\[0\]\.sources\[0\] in account 123456789012.*: set a different roleName/,
  ],
  [
    'account name with a slash',
    (c) => (c.accounts[0].name = 'prod/eu'),
    'accounts[0].name',
    /is not a valid stack name; start with a letter and use at most 64 letters, digits, _ and -/,
  ],
  [
    'Aurora engine with a DB instance identifier',
    (c) => (src(c).type = 'aurora-postgres'),
    'accounts[0].sources[0].dbInstanceIdentifier',
    /aurora-postgres is an Aurora cluster engine.*use dbClusterIdentifier/,
  ],
  [
    'two ways to name the database',
    (c) => (src(c).resourceId = 'db-ABCDEFGHIJKLMNOP'),
    'accounts[0].sources[0]',
    /name the database in exactly one way, not with dbInstanceIdentifier and resourceId/,
  ],
  [
    'no way to name the database',
    (c) => delete src(c).dbInstanceIdentifier,
    'accounts[0].sources[0]',
    /name the database in exactly one way: dbInstanceIdentifier, resourceId, create/,
  ],
  [
    'DB instance identifier in upper case',
    (c) => (src(c).dbInstanceIdentifier = 'Orders'),
    'accounts[0].sources[0].dbInstanceIdentifier',
    /is not a valid RDS identifier; use 1 to 63 lowercase letters, digits and hyphens/,
  ],
  [
    'PostgreSQL CDC on an existing database',
    (c) => (src(c).pipeMode = 'cdc'),
    'accounts[0].sources[0].pipeMode',
    /needs PostgreSQL 11 or later with rds\.iam_auth_for_replication = 1 and rds\.logical_replication = 1 in the database's DB parameter group.*set iamAuthForReplication to true; or use "initial-load"/,
  ],
  [
    'PostgreSQL CDC below 11',
    (c) => Object.assign(src(c), { pipeMode: 'cdc', iamAuthForReplication: true, engineVersion: '10.21' }),
    'accounts[0].sources[0].pipeMode',
    /needs PostgreSQL 11 or later .* but the engine version is "10\.21"; upgrade the database, or use "initial-load"/,
  ],
  [
    'PostgreSQL CDC below 11 on a created database',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      Object.assign(src(c), { pipeMode: 'cdc', create: { engineVersion: '10.21' } });
    },
    'accounts[0].sources[0].pipeMode',
    /needs PostgreSQL 11 or later/,
  ],
  [
    'iamAuthForReplication on MySQL',
    (c) => (src(c, 1).iamAuthForReplication = true),
    'accounts[0].sources[1].iamAuthForReplication',
    /applies to PostgreSQL engines only; .*: remove it/,
  ],
  [
    'engine version that is not one',
    (c) => (src(c).engineVersion = 'latest'),
    'accounts[0].sources[0].engineVersion',
    /"latest" is not an engine version of RDS for PostgreSQL; expected one like "16"/,
  ],
  [
    'engine version outside create',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      Object.assign(src(c), { create: {}, engineVersion: '16' });
    },
    'accounts[0].sources[0].engineVersion',
    /move it to create\.engineVersion/,
  ],
  [
    'allocated storage on Aurora',
    (c) => {
      delete src(c, 1).resourceId;
      src(c, 1).create = { allocatedStorage: 100 };
    },
    'accounts[0].sources[1].create.allocatedStorage',
    /Aurora storage grows by itself: remove allocatedStorage/,
  ],
  [
    'allocated storage too small',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      src(c).create = { allocatedStorage: 5 };
    },
    'accounts[0].sources[0].create.allocatedStorage',
    /5 is out of range; expected at least 20/,
  ],
  [
    'security group ID',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      src(c).create = { vpcSecurityGroupIds: ['default'] };
    },
    'accounts[0].sources[0].create.vpcSecurityGroupIds[0]',
    /expected a security group ID like "sg-0123456789abcdef0"/,
  ],
  [
    'a source name that is no RDS identifier, for a database to create',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      Object.assign(src(c), { name: 'orders-', create: {} });
    },
    'accounts[0].sources[0].create.identifier',
    /"orders-" is not a valid RDS identifier.*\(derived from the source name: set identifier\)/,
  ],
  [
    'an Aurora identifier too long for its writer',
    (c) => {
      delete src(c, 1).resourceId;
      src(c, 1).create = { identifier: 'u'.repeat(57) };
    },
    'accounts[0].sources[1].create.identifier',
    /has 57 characters; an Aurora cluster identifier has at most 56 here, so that its writer .* fits RDS's 63/,
  ],
  [
    'misspelt field',
    (c) => {
      src(c).dbInstanceIdentifer = src(c).dbInstanceIdentifier;
      delete src(c).dbInstanceIdentifier;
    },
    'accounts[0].sources[0].dbInstanceIdentifer',
    /unknown field; check its spelling/,
  ],
  [
    'a field with a name that is no name',
    (c) => (src(c)['db user'] = 'x'),
    'accounts[0].sources[0]["db user"]',
    /unknown field; check its spelling/,
  ],
  [
    'Kinesis role name without the prefix',
    (c) => (added(c, 'clickstream').roleName = 'clickstream-reader'),
    'accounts[0].sources[2].roleName',
    /"clickstream-reader" does not start with "ClickHouseAccessRole-", which ClickPipes requires of the role name for Kinesis/,
  ],
  [
    'Kinesis stream name',
    (c) => (added(c, 'clickstream').streams = ['clickstream', 'click stream']),
    'accounts[0].sources[2].streams[1]',
    /"click stream" is not a Kinesis stream name; use 1 to 128 letters, digits and _ \. -/,
  ],
  [
    'Kinesis stream ARN',
    (c) => (added(c, 'clickstream').streams = ['arn:aws:kinesis:us-east-1:123456789012:clickstream']),
    'accounts[0].sources[2].streams[0]',
    /is not a Kinesis stream ARN; expected "arn:aws:kinesis:REGION:ACCOUNT:stream\/NAME"/,
  ],
  [
    'Kinesis stream ARN in another partition than the account region',
    (c) => (added(c, 'clickstream').streams = ['arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s']),
    'accounts[0].sources[2].streams[0]',
    /is in partition aws-cn, but the role is in partition aws; IAM policies cannot grant access across partitions/,
  ],
  [
    'no Kinesis streams',
    (c) => (added(c, 'clickstream').streams = []),
    'accounts[0].sources[2].streams',
    /list at least one stream/,
  ],
  [
    'S3 bucket name',
    (c) => (added(c, 'landing').buckets = ['s3://acme-landing-prod']),
    'accounts[0].sources[2].buckets[0]',
    /is not an S3 bucket name; use 3 to 63 lowercase letters, digits, dots and hyphens/,
  ],
  [
    'S3 prefix with a wildcard',
    (c) => (added(c, 'landing').prefix = 'exports/*.csv'),
    'accounts[0].sources[2].prefix',
    /holds \* \? \$ or a control character, which IAM would read as a wildcard or variable/,
  ],
  [
    'SQS queue URL for an ARN',
    (c) => (added(c, 'landing').sqsQueueArn = 'https://sqs.us-east-1.amazonaws.com/123456789012/q'),
    'accounts[0].sources[2].sqsQueueArn',
    /is not an SQS queue ARN; expected "arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME"/,
  ],
  [
    'S3 source with "bucket" for "buckets"',
    (c) => {
      const s3 = added(c, 'landing');
      s3.bucket = 'acme-landing-prod';
      delete s3.buckets;
    },
    'accounts[0].sources[2].buckets',
    /missing; expected an array/,
  ],
  [
    'MSK cluster ARN',
    (c) => (added(c, 'kafka').clusterArn = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders'),
    'accounts[0].sources[2].clusterArn',
    /is not an MSK cluster ARN; expected "arn:aws:kafka:REGION:ACCOUNT:cluster\/NAME\/UUID"/,
  ],
  [
    'MSK topic pattern',
    (c) => (added(c, 'kafka').topics = ['orders', 'payments/#']),
    'accounts[0].sources[2].topics[1]',
    /"payments\/#" is not a topic name or pattern; use 1 to 249 letters, digits and \. _ -, with \* for any characters/,
  ],
  [
    'MSK consumer group listed twice',
    (c) => (added(c, 'kafka').consumerGroups = ['cp', 'cp']),
    'accounts[0].sources[2].consumerGroups[1]',
    /"cp" is already consumerGroups\[0\]; list each consumer group once/,
  ],
  [
    'MSK source without a cluster',
    (c) => delete added(c, 'kafka').clusterArn,
    'accounts[0].sources[2].clusterArn',
    /missing; expected a string/,
  ],
  [
    'RDS field on a Kinesis source',
    (c) => (added(c, 'clickstream').dbUser = 'x'),
    'accounts[0].sources[2].dbUser',
    /unknown field; check its spelling/,
  ],
  [
    'MariaDB 10.6 (no IAM DB authentication in any Region)',
    (c) => mariadb(c, '10.6'),
    'accounts[0].sources[0].create.engineVersion',
    both(/"10\.6": AWS offers IAM database authentication with RDS for MariaDB from 10\.11 /, IAM_PAGE),
  ],
  [
    'MariaDB 10.11 in Asia Pacific (Malaysia) (11.4 and later there)',
    (c) => mariadb(c, '10.11', 'ap-southeast-5'),
    'accounts[0].sources[0].create.engineVersion',
    both(
      /"10\.11": AWS offers IAM database authentication with RDS for MariaDB from 11\.4 in Asia Pacific \(Malaysia\), ap-southeast-5/,
      IAM_PAGE,
    ),
  ],
  [
    'MariaDB in Asia Pacific (Hyderabad) (no version there)',
    (c) => mariadb(c, '11.4', 'ap-south-2'),
    'accounts[0].sources[0].create.engineVersion',
    both(
      /AWS offers IAM database authentication with RDS for MariaDB in no engine version in Asia Pacific \(Hyderabad\), ap-south-2/,
      IAM_PAGE,
    ),
  ],
  [
    'Aurora MySQL binary logs kept over 2,160 hours',
    (c) => (src(c, 1).binlogRetentionHours = 2161),
    'accounts[0].sources[1].binlogRetentionHours',
    /2161 is out of range; expected a whole number of hours from 1 to 2160, the longest Aurora MySQL keeps binary logs \(AWS, https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/AuroraUserGuide\/mysql-stored-proc-configuring\.html\)/,
  ],
  [
    'RDS for MySQL binary logs kept over 168 hours',
    (c) =>
      Object.assign(src(c, 1), { type: 'rds-mysql', resourceId: 'db-ABCDEFGHIJKLMNOP', binlogRetentionHours: 169 }),
    'accounts[0].sources[1].binlogRetentionHours',
    /169 is out of range; expected a whole number of hours from 1 to 168, the longest RDS for MySQL keeps binary logs \(AWS, https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/UserGuide\/mysql-stored-proc-configuring\.html\)/,
  ],
  [
    'a KMS alias ARN for kms:Decrypt',
    (c) => (added(c, 'landing').kmsKeyArns = ['arn:aws:kms:us-east-1:123456789012:alias/landing']),
    'accounts[0].sources[2].kmsKeyArns[0]',
    /"arn:aws:kms:us-east-1:123456789012:alias\/landing" is not a KMS key ARN; expected "arn:aws:kms:REGION:ACCOUNT:key\/KEY_ID" \(an alias ARN in a policy does not grant use of its key/,
  ],
  [
    'a KMS key of another partition',
    (c) =>
      (added(c, 'clickstream').kmsKeyArns = [
        'arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ]),
    'accounts[0].sources[2].kmsKeyArns[0]',
    /partition/,
  ],
  [
    'a MySQL source that names nothing to read',
    (c) => delete src(c, 1).schemas,
    'accounts[0].sources[1].schemas',
    /is missing; list the databases \(schemas\) or the tables ClickPipes reads: on MySQL and MariaDB the ClickPipes source guides grant SELECT on the mysql database plus each replicated database/,
  ],
  [
    'network access to a created database that is not publicly accessible',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      src(c).create = { vpcSecurityGroupIds: ['sg-0123456789abcdef0'] };
    },
    'accounts[0].sources[0].networkAccess',
    /adds ingress from the ClickPipes static IPs, which are public NAT addresses, but the database this stack creates is not publicly accessible .*RDS API, CreateDBInstance, PubliclyAccessible.*create\.publiclyAccessible: true.*or reach it over AWS PrivateLink and remove networkAccess/,
  ],
  [
    'PostgreSQL 11 (ClickPipes reads 12 and later)',
    (c) => (src(c).engineVersion = '11.22'),
    'accounts[0].sources[0].engineVersion',
    both(/"11\.22": ClickPipes reads PostgreSQL 12 and later/, CLICKPIPES_PG_PAGE),
  ],
  [
    'PostgreSQL 11 on a created database',
    (c) => {
      delete src(c).dbInstanceIdentifier;
      src(c).create = { engineVersion: '11.22' };
    },
    'accounts[0].sources[0].create.engineVersion',
    /"11\.22": ClickPipes reads PostgreSQL 12 and later/,
  ],
  ['no sources', (c) => (c.accounts[0].sources = []), 'accounts[0].sources', /list at least one source/],
  ['no accounts', (c) => (c.accounts = []), 'accounts', /list at least one account/],
  // Issue 11: input that crashed or was dropped silently, and AWS limits that only apply refused.
  [
    'the same security group twice',
    (c) => {
      const access = src(c).networkAccess as { securityGroupIds: string[] };
      access.securityGroupIds.push(access.securityGroupIds[0]);
    },
    'accounts[0].sources[0].networkAccess.securityGroupIds[1]',
    /"sg-0123456789abcdef0" is already networkAccess\.securityGroupIds\[0\]; list each security group once/,
  ],
  [
    'a tag key __proto__',
    (c) => ((c as Record<string, unknown>).tags = JSON.parse('{"team": "data", "__proto__": "x"}')),
    'tags.__proto__',
    /the key "__proto__" is not accepted: JavaScript gives it a special meaning and it would be dropped silently; use another key/,
  ],
  [
    'a 1 MB account name',
    (c) => (c.accounts[0].name = 'x'.repeat(1_000_000)),
    'accounts[0].name',
    /"x{60}"… \(1,000,000 characters\) is not a valid stack name/,
  ],
  [
    'misspelt field, with a likely one',
    (c) => (src(c, 1).dbUsr = 'x'),
    'accounts[0].sources[1].dbUsr',
    /unknown field; check its spelling: did you mean "dbUser"\?$/,
  ],
  [
    'a Kinesis source with 80 streams',
    (c) => (added(c, 'clickstream').streams = Array.from({ length: 80 }, (_, i) => `clickstream-events-${i}`)),
    'accounts[0].sources[2].streams',
    /80 streams make the role's inline policy 1\d,\d{3} characters \(white space not counted\); IAM allows 10,240 .*: at most \d+ of these fit/,
  ],
  [
    'an S3 source with 200 buckets',
    (c) => (added(c, 'landing').buckets = Array.from({ length: 200 }, (_, i) => `acme-landing-${i}`)),
    'accounts[0].sources[2].buckets',
    /200 buckets make the role's inline policy 1\d,\d{3} characters/,
  ],
  [
    'an MSK source with 500 topics',
    (c) => (added(c, 'kafka').topics = Array.from({ length: 500 }, (_, i) => `orders.v${i}`)),
    'accounts[0].sources[2].topics',
    /500 topics make the role's inline policy \d\d,\d{3} characters.*name them with patterns/,
  ],
  [
    '1,001 sources in one account',
    (c) => {
      for (let i = c.accounts[0].sources.length; i < 1001; i++)
        c.accounts[0].sources.push({ name: `s${i}`, type: 'kinesis', streams: ['s'] } as never);
    },
    'accounts[0]',
    /1,001 IAM roles in account \d{12}, one per source; the default IAM quota "Roles per account" is 1,000 .*state it as iamQuotas\.rolesPerAccount/,
  ],
  [
    'more sources than the stated quota of roles',
    (c) => {
      (c.accounts[0] as Record<string, unknown>).iamQuotas = { rolesPerAccount: 1 };
    },
    'accounts[0].iamQuotas.rolesPerAccount',
    /2 IAM roles in account \d{12}, one per source, over the stated quota "Roles per account" of 1/,
  ],
];
