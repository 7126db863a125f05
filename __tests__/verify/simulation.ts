/**
 * The IAM simulation oracle (`@cloud-copilot/iam-simulate`, dev-only): what each source's role
 * must allow, and the neighbouring requests it must deny, worked out from the config alone
 * (never from what the library synthesized), then asked of the policies a stack holds.
 *
 * Two kinds of request:
 * - trust: ClickHouse's role (and a session of it) calls `sts:AssumeRole`/`sts:TagSession` on the
 *   source's role, cross-account. ClickHouse's side is modelled as allowing every STS action on
 *   every role, so the trust policy alone decides.
 * - permission: a session of the source's role calls the source's actions. These are simulated
 *   as same-account requests (the resource's account is the role's), so that the role's own
 *   policies alone decide: a neighbour "in another account" is denied because the policy does
 *   not name it, not because cross-account access lacks a resource policy.
 *
 * Each source type is one entry of {@link ACCESS_BY_TYPE}: a function from the source's config
 * and its stack's facts to its trust actions, its allowed requests and its denied neighbours.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { count } from './counts';
import { IamPolicy, ResolvedPolicy, partitionOfRegion } from './policies';

/** One request to simulate: [what it is, action, resource]. */
export interface Request {
  readonly what: string;
  readonly action: string;
  readonly resource: string;
  /** The resource's own policy, where the service always has one (a KMS key's key policy). */
  readonly resourcePolicy?: IamPolicy;
}

/** What a source's role must allow and deny. */
export interface SourceAccess {
  /** Actions ClickHouse's role may perform on the source's role; the other STS trust actions must be denied. */
  readonly trustActions: readonly string[];
  /** Requests the role must be allowed. */
  readonly allowed: readonly Request[];
  /** Neighbouring requests the role must be denied. */
  readonly denied: readonly Request[];
}

/** What a source's access is worked out from: its config entry and its stack. */
export interface SourceFacts {
  /** The source entry of the config, as written. */
  readonly source: Readonly<Record<string, unknown>> & { readonly name: string; readonly type: string };
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /**
   * The value the policy resolver gives a Terraform reference that is unknown until apply (an
   * RDS resource ID), for sources that name their database by identifier or create it.
   */
  readonly valueOf: (reference: string) => string;
}

/** Another value of the same form as `value`, for a neighbour request. */
const other = (value: string, choices: readonly string[]) => choices.find((c) => c !== value)!;
const OTHER_REGIONS = ['us-west-2', 'eu-west-1'];
const OTHER_ACCOUNTS = ['999999999999', '888888888888'];

/** RDS and Aurora with IAM database authentication (FACTS.md): `rds-db:connect` as one user on one database. */
function rdsAccess(f: SourceFacts): SourceAccess {
  const s = f.source as SourceFacts['source'] & {
    dbUser?: string;
    resourceId?: string;
    dbInstanceIdentifier?: string;
    dbClusterIdentifier?: string;
    create?: { identifier?: string };
  };
  // Aurora, or an RDS Multi-AZ DB cluster (rds-postgres/rds-mysql named by cluster identifier or cluster- resource ID).
  const cluster =
    s.type.startsWith('aurora-') ||
    s.dbClusterIdentifier !== undefined ||
    s.resourceId?.startsWith('cluster-') === true;
  // Where the database's resource ID comes from: the Terraform addresses the README promises.
  const resourceId =
    s.resourceId ??
    f.valueOf(
      s.dbInstanceIdentifier !== undefined
        ? `data.aws_db_instance.${s.name}_db_instance.resource_id`
        : s.dbClusterIdentifier !== undefined
          ? `data.aws_rds_cluster.${s.name}_db_cluster.cluster_resource_id`
          : cluster
            ? `aws_rds_cluster.${s.name}_database.cluster_resource_id`
            : `aws_db_instance.${s.name}_database.resource_id`,
    );
  const user = s.dbUser ?? 'clickpipes_iam_user';
  const dbUser = (o: { region?: string; account?: string; id?: string; user?: string } = {}) =>
    `arn:${f.partition}:rds-db:${o.region ?? f.region}:${o.account ?? f.account}:dbuser:${o.id ?? resourceId}/${o.user ?? user}`;
  const identifier = s.dbInstanceIdentifier ?? s.dbClusterIdentifier ?? s.create?.identifier ?? s.name.toLowerCase();
  const rdsArn = `arn:${f.partition}:rds:${f.region}:${f.account}:${cluster ? 'cluster' : 'db'}:${identifier}`;
  const otherId = `${cluster ? 'cluster' : 'db'}-${other(resourceId.replace(/^\w+-/, ''), ['OTHERDATABASE0000000000000', 'OTHERDATABASE1111111111111'])}`;
  const connect = (what: string, resource: string): Request => ({ what, action: 'rds-db:connect', resource });
  return {
    trustActions: ['sts:AssumeRole', 'sts:TagSession'],
    allowed: [connect(`connect as ${user}`, dbUser())],
    denied: [
      connect('connect as another DB user', dbUser({ user: other(user, ['admin', 'postgres']) })),
      connect('connect as a user whose name starts with the configured one', dbUser({ user: `${user}2` })),
      ...(user.length > 1
        ? [connect('connect as a user whose name the configured one starts with', dbUser({ user: user.slice(0, -1) }))]
        : []),
      connect('connect to another database (resource ID)', dbUser({ id: otherId })),
      connect('connect to the same resource ID in another region', dbUser({ region: other(f.region, OTHER_REGIONS) })),
      connect(
        'connect to the same resource ID in another account',
        dbUser({ account: other(f.account, OTHER_ACCOUNTS) }),
      ),
      {
        what: 'rds: (not rds-db:) modify the database',
        action: cluster ? 'rds:ModifyDBCluster' : 'rds:ModifyDBInstance',
        resource: rdsArn,
      },
      {
        what: 'rds: describe the database',
        action: cluster ? 'rds:DescribeDBClusters' : 'rds:DescribeDBInstances',
        resource: rdsArn,
      },
      ...(cluster
        ? [{ what: 'rds-data: run SQL through the Data API', action: 'rds-data:ExecuteStatement', resource: rdsArn }]
        : []),
    ],
  };
}

type Fields = Record<string, unknown>;

/** What ClickPipes does on each Kinesis stream (FACTS.md), without the service prefix. */
export const KINESIS_GUIDE_STREAM_ACTIONS = [
  'DescribeStream',
  'GetShardIterator',
  'GetRecords',
  'ListShards',
  'RegisterStreamConsumer',
  'ListStreamConsumers',
];
/** What ClickPipes does on a stream's enhanced fan-out consumers (the README's departure: DeregisterStreamConsumer is one). */
export const KINESIS_GUIDE_CONSUMER_ACTIONS = [
  'SubscribeToShard',
  'DescribeStreamConsumer',
  'DeregisterStreamConsumer',
];

/** kms:Decrypt with the configured customer managed keys (issue 12), and nothing else of KMS. */
function kmsRequests(f: SourceFacts): { allowed: Request[]; denied: Request[] } {
  const keys = ((f.source as Fields).kmsKeyArns as string[] | undefined) ?? [];
  const otherKey = `arn:${f.partition}:kms:${f.region}:${f.account}:key/0000aaaa-1111-2222-3333-444455556666`;
  // Every KMS key has a key policy; the default one lets the account's IAM policies decide (AWS KMS
  // Developer Guide, "Default key policy": Principal the account root, kms:*), as modelled here.
  const keyPolicy = (arn: string): IamPolicy => {
    const account = arn.split(':')[4];
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:${f.partition}:iam::${account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    } as IamPolicy;
  };
  const req = (what: string, action: string, resource: string): Request => ({
    what,
    action,
    resource,
    resourcePolicy: keyPolicy(resource),
  });
  return {
    allowed: keys.map((k) => req(`decrypt with ${k}`, 'kms:Decrypt', k)),
    denied: [
      req('decrypt with another key', 'kms:Decrypt', otherKey),
      ...keys.slice(0, 1).map((k) => req('encrypt with the key', 'kms:Encrypt', k)),
    ],
  };
}

/** Kinesis (FACTS.md, and the README's departure: consumers' actions on consumer ARNs): read the configured streams. */
function kinesisAccess(f: SourceFacts): SourceAccess {
  const streams = ((f.source as Fields).streams as string[]).map((s) =>
    s.startsWith('arn:') ? s : `arn:${f.partition}:kinesis:${f.region}:${f.account}:stream/${s}`,
  );
  const [first] = streams;
  const m = /^arn:([\w-]+):kinesis:([\w-]+):(\d{12}):stream\/(.+)$/.exec(first)!;
  const stream = (o: { region?: string; account?: string; name?: string }) =>
    `arn:${m[1]}:kinesis:${o.region ?? m[2]}:${o.account ?? m[3]}:stream/${o.name ?? m[4]}`;
  const consumer = (arn: string) => `${arn}/consumer/clickpipes-consumer:1700000000`;
  const read = KINESIS_GUIDE_STREAM_ACTIONS;
  const fanOut = KINESIS_GUIDE_CONSUMER_ACTIONS;
  const req = (what: string, action: string, resource: string): Request => ({
    what,
    action: `kinesis:${action}`,
    resource,
  });
  return {
    trustActions: ['sts:AssumeRole'],
    allowed: [
      ...streams.flatMap((arn) => read.map((a) => req(`${a} on ${arn}`, a, arn))),
      ...streams.flatMap((arn) => fanOut.map((a) => req(`${a} on a consumer of ${arn}`, a, consumer(arn)))),
      req('ListStreams', 'ListStreams', '*'),
      ...kmsRequests(f).allowed,
    ],
    denied: [
      ...kmsRequests(f).denied,
      req('read another stream', 'GetRecords', stream({ name: `${m[4]}-other` })),
      req('read a stream whose name starts with the configured one', 'GetRecords', stream({ name: `${m[4]}2` })),
      req('read the same stream name in another region', 'GetRecords', stream({ region: other(m[2], OTHER_REGIONS) })),
      req(
        'read the same stream name in another account',
        'GetRecords',
        stream({ account: other(m[3], OTHER_ACCOUNTS) }),
      ),
      req(
        'subscribe with a consumer of another stream',
        'SubscribeToShard',
        consumer(stream({ name: `${m[4]}-other` })),
      ),
      req('write to the stream', 'PutRecord', first),
      req('delete the stream', 'DeleteStream', first),
    ],
  };
}

/** S3 (FACTS.md): list the configured buckets, read their objects (under the prefix), consume the queue. */
function s3Access(f: SourceFacts): SourceAccess {
  const s = f.source as Fields;
  const buckets = s.buckets as string[];
  const prefix = (s.prefix as string | undefined) ?? '';
  const queue = s.sqsQueueArn as string | undefined;
  const bucket = (name: string) => `arn:${f.partition}:s3:::${name}`;
  const object = (name: string, key: string) => `${bucket(name)}/${key}`;
  const req = (what: string, action: string, resource: string): Request => ({ what, action, resource });
  const [first] = buckets;
  return {
    trustActions: ['sts:AssumeRole'],
    allowed: [
      ...buckets.flatMap((b) => [
        req(`locate ${b}`, 's3:GetBucketLocation', bucket(b)),
        req(`list ${b}`, 's3:ListBucket', bucket(b)),
        req(`read an object of ${b}`, 's3:GetObject', object(b, `${prefix}2024/01/data.csv`)),
        req(`read an object's tags in ${b}`, 's3:GetObjectTagging', object(b, `${prefix}data.csv`)),
      ]),
      ...(queue
        ? ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'].map((a) =>
            req(`${a} on the queue`, a, queue),
          )
        : []),
      ...(queue ? [req('list queues', 'sqs:ListQueues', '*')] : []),
      ...kmsRequests(f).allowed,
    ],
    denied: [
      ...kmsRequests(f).denied,
      req('read an object of another bucket', 's3:GetObject', object(`${first}-other`, `${prefix}data.csv`)),
      req(
        'read an object of a bucket whose name starts with the configured one',
        's3:GetObject',
        object(`${first}2`, `${prefix}data.csv`),
      ),
      req('list another bucket', 's3:ListBucket', bucket(`${first}-other`)),
      ...(prefix
        ? [req('read an object outside the prefix', 's3:GetObject', object(first, 'elsewhere/data.csv'))]
        : []),
      req('write an object', 's3:PutObject', object(first, `${prefix}data.csv`)),
      req('delete an object', 's3:DeleteObject', object(first, `${prefix}data.csv`)),
      req('change the bucket policy', 's3:PutBucketPolicy', bucket(first)),
      ...(queue
        ? [
            req('send to the queue', 'sqs:SendMessage', queue),
            req('receive from another queue', 'sqs:ReceiveMessage', `${queue}-other`),
          ]
        : [
            req(
              'receive from a queue (none configured)',
              'sqs:ReceiveMessage',
              `arn:${f.partition}:sqs:${f.region}:${f.account}:q`,
            ),
          ]),
    ],
  };
}

/** MSK with IAM (FACTS.md): connect to the cluster, read the configured topics, use the configured consumer groups. */
function mskAccess(f: SourceFacts): SourceAccess {
  const s = f.source as Fields;
  const cluster = s.clusterArn as string;
  const m = /^arn:([\w-]+):kafka:([\w-]+):(\d{12}):cluster\/([^/]+)\/(.+)$/.exec(cluster)!;
  const under = (type: string, o: { region?: string; account?: string; name?: string; uuid?: string } = {}) =>
    `arn:${m[1]}:kafka:${o.region ?? m[2]}:${o.account ?? m[3]}:${type}/${o.name ?? m[4]}/${o.uuid ?? m[5]}`;
  // A pattern stands for a topic it matches: `payments.*` → `payments.x`.
  const concrete = (pattern: string) => pattern.replace(/\*/g, 'x');
  const topics = ((s.topics as string[] | undefined) ?? ['*']).map(concrete);
  const groups = ((s.consumerGroups as string[] | undefined) ?? ['*']).map(concrete);
  const literalTopic = (s.topics as string[] | undefined)?.find((t) => !t.includes('*'));
  const req = (what: string, action: string, resource: string): Request => ({
    what,
    action: `kafka-cluster:${action}`,
    resource,
  });
  return {
    trustActions: ['sts:AssumeRole'],
    allowed: [
      req('connect to the cluster', 'Connect', cluster),
      ...topics.flatMap((t) =>
        ['DescribeTopic', 'ReadData'].map((a) => req(`${a} on topic ${t}`, a, `${under('topic')}/${t}`)),
      ),
      ...groups.flatMap((g) =>
        ['AlterGroup', 'DescribeGroup'].map((a) => req(`${a} on group ${g}`, a, `${under('group')}/${g}`)),
      ),
    ],
    denied: [
      req(
        'connect to another cluster of the same name (another UUID)',
        'Connect',
        under('cluster', { uuid: 'other-uuid-1' }),
      ),
      req('connect to another cluster', 'Connect', under('cluster', { name: `${m[4]}-other` })),
      req(
        'connect to the same cluster name in another region',
        'Connect',
        under('cluster', { region: other(m[2], OTHER_REGIONS) }),
      ),
      req(
        'connect to the same cluster name in another account',
        'Connect',
        under('cluster', { account: other(m[3], OTHER_ACCOUNTS) }),
      ),
      req('read a topic of another cluster', 'ReadData', `${under('topic', { uuid: 'other-uuid-1' })}/${topics[0]}`),
      ...(literalTopic
        ? [
            req(
              'read a topic whose name starts with a configured one',
              'ReadData',
              `${under('topic')}/${literalTopic}2`,
            ),
          ]
        : []),
      req('write to a topic', 'WriteData', `${under('topic')}/${topics[0]}`),
      req('create a topic', 'CreateTopic', `${under('topic')}/${topics[0]}`),
      req('alter the cluster', 'AlterCluster', cluster),
    ],
  };
}

/**
 * The table of source types: each is its trust actions, what it must reach, and its neighbours
 * (another stream or bucket, a name that merely starts with the configured one, another region
 * or account, a write instead of a read).
 */
export const ACCESS_BY_TYPE: Readonly<Record<string, (facts: SourceFacts) => SourceAccess>> = {
  'rds-postgres': rdsAccess,
  'aurora-postgres': rdsAccess,
  'rds-mysql': rdsAccess,
  'aurora-mysql': rdsAccess,
  'rds-mariadb': rdsAccess,
  kinesis: kinesisAccess,
  s3: s3Access,
  msk: mskAccess,
};

/** The STS actions a trust policy may grant a principal; those not granted are simulated as denied. */
const STS_TRUST_ACTIONS = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'];

/** The role under test: its ARN, its trust policy and its identity policies, as AWS would hold them. */
export interface RoleUnderTest {
  readonly arn: string;
  readonly trustPolicy: IamPolicy;
  readonly policies: readonly { readonly name: string; readonly policy: IamPolicy }[];
}

/** One simulated request and its outcome. */
export interface SimulatedRequest {
  readonly what: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly expected: 'Allowed' | 'Denied';
  readonly result: string;
}

/** The partition, account and name of a role ARN. */
const roleArnParts = (arn: string) => {
  const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/.exec(arn);
  if (!m) throw new Error(`not a role ARN: ${arn}`);
  return { partition: m[1], account: m[2], name: m[3] };
};

/** The principals that must (and must not) get to assume a role trusted by `clickHouseRoleArn`. */
function trustPrincipals(clickHouseRoleArn: string) {
  const ch = roleArnParts(clickHouseRoleArn);
  const prefix = `arn:${ch.partition}`;
  const elsewhere = other(ch.account, OTHER_ACCOUNTS);
  return {
    allowed: [
      ["ClickHouse's role", clickHouseRoleArn],
      ["a session of ClickHouse's role", `${prefix}:sts::${ch.account}:assumed-role/${ch.name}/clickpipes-session`],
    ],
    denied: [
      ["another role in ClickHouse's account", `${prefix}:iam::${ch.account}:role/${ch.name}-other`],
      ["a session of another role in ClickHouse's account", `${prefix}:sts::${ch.account}:assumed-role/Other/s`],
      ["a user of the same name in ClickHouse's account", `${prefix}:iam::${ch.account}:user/${ch.name}`],
      ["ClickHouse's account root", `${prefix}:iam::${ch.account}:root`],
      ['the same role name in another account', `${prefix}:iam::${elsewhere}:role/${ch.name}`],
      ['a session of the same role name in another account', `${prefix}:sts::${elsewhere}:assumed-role/${ch.name}/s`],
    ],
  };
}

/** Grants every STS action: the ClickHouse side of a trust request, so that the trust policy alone decides. */
const CLICKHOUSE_SIDE = [
  {
    name: 'clickhouse-side',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:*', Resource: '*' }] },
  },
];

async function simulate(
  principal: string,
  action: string,
  resource: string,
  resourceAccount: string,
  identityPolicies: readonly { name: string; policy: unknown }[],
  resourcePolicy?: IamPolicy,
): Promise<string> {
  const r = await runSimulation(
    {
      request: { principal, action, resource: { resource, accountId: resourceAccount }, contextVariables: {} },
      identityPolicies: [...identityPolicies],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy,
    },
    {},
  );
  if (r.resultType === 'error') throw new Error(`the simulator refused the request: ${JSON.stringify(r.errors)}`);
  return r.overallResult;
}

/** Every request of `access` against `role`, simulated. Counts them. */
export async function simulateAccess(
  role: RoleUnderTest,
  access: SourceAccess,
  clickHouseRoleArn: string,
): Promise<SimulatedRequest[]> {
  const target = roleArnParts(role.arn);
  const session = `arn:${target.partition}:sts::${target.account}:assumed-role/${target.name}/clickpipes`;
  const principals = trustPrincipals(clickHouseRoleArn);
  type Row = Omit<SimulatedRequest, 'result'> & { run: () => Promise<string> };
  const trust = (what: string, principal: string, action: string, expected: Row['expected']): Row => ({
    what: `trust: ${what} calls ${action}`,
    principal,
    action,
    resource: role.arn,
    expected,
    run: () => simulate(principal, action, role.arn, target.account, CLICKHOUSE_SIDE, role.trustPolicy),
  });
  const permission = (r: Request, expected: Row['expected']): Row => ({
    what: r.what,
    principal: session,
    action: r.action,
    resource: r.resource,
    expected,
    run: () => simulate(session, r.action, r.resource, target.account, role.policies, r.resourcePolicy),
  });
  const rows: Row[] = [
    ...principals.allowed.flatMap(([what, p]) => access.trustActions.map((a) => trust(what, p, a, 'Allowed'))),
    ...STS_TRUST_ACTIONS.filter((a) => !access.trustActions.includes(a)).map((a) =>
      trust(principals.allowed[0][0], principals.allowed[0][1], a, 'Denied'),
    ),
    ...principals.denied.map(([what, p]) => trust(what, p, 'sts:AssumeRole', 'Denied')),
    ...access.allowed.map((r) => permission(r, 'Allowed')),
    ...access.denied.map((r) => permission(r, 'Denied')),
  ];
  const results: SimulatedRequest[] = [];
  for (const { run, ...row } of rows) {
    results.push({ ...row, result: await run() });
    count(row.expected === 'Allowed' ? 'requests allowed' : 'requests denied');
  }
  return results;
}

/** The requests whose outcome is not the expected one, one line each (empty when all are right). */
export function wrongOutcomes(results: readonly SimulatedRequest[]): string[] {
  return results
    .filter((r) => (r.expected === 'Allowed' ? r.result !== 'Allowed' : r.result === 'Allowed'))
    .map((r) => `${r.what}: ${r.principal} ${r.action} ${r.resource}: expected ${r.expected}, got ${r.result}`);
}

/** The roles of a stack by IAM name, with their trust policy and inline policies, as the resolver reads them. */
export function rolesOfStack(policies: readonly ResolvedPolicy[]): Map<string, RoleUnderTest> {
  const roles = new Map<string, RoleUnderTest & { policies: { name: string; policy: IamPolicy }[] }>();
  for (const p of policies.filter((p) => p.kind === 'trust' && p.role)) {
    roles.set(p.role!.name, { arn: p.role!.arn, trustPolicy: p.policy, policies: [] });
  }
  for (const p of policies.filter((p) => p.resourceType === 'aws_iam_role_policy' && p.role)) {
    roles.get(p.role!.name)?.policies.push({ name: p.where, policy: p.policy });
  }
  return roles;
}

/** A config as the user writes it (the tests' own view, not the library's types). */
export interface RawConfig {
  readonly clickHouseIamRoleArn: string;
  readonly accounts: readonly {
    readonly name: string;
    readonly accountId: string;
    readonly region: string;
    readonly sources: readonly SourceFacts['source'][];
  }[];
}

/** The role name of a source: `roleName`, else `ClickHouseAccessRole-<name>` (the README's default). */
export const roleNameOf = (source: SourceFacts['source']) =>
  (source.roleName as string | undefined) ?? `ClickHouseAccessRole-${source.name}`;

/**
 * Simulates every source of one account entry against the roles of its stack.
 *
 * @returns per source, the wrong outcomes (empty when all are right) and how many requests ran
 */
export async function simulateAccount(
  config: RawConfig,
  accountIndex: number,
  roles: ReadonlyMap<string, RoleUnderTest>,
  valueOf: SourceFacts['valueOf'] = (reference) => {
    throw new Error(`no value for ${reference}`);
  },
): Promise<{ source: string; wrong: string[]; requests: number }[]> {
  const account = config.accounts[accountIndex];
  const partition = partitionOfRegion(account.region);
  const out: { source: string; wrong: string[]; requests: number }[] = [];
  for (const source of account.sources) {
    const role = roles.get(roleNameOf(source));
    if (!role) {
      out.push({ source: source.name, wrong: [`no role named ${roleNameOf(source)} in the stack`], requests: 0 });
      continue;
    }
    const accessOf = ACCESS_BY_TYPE[source.type];
    if (!accessOf)
      throw new Error(`no simulation table entry for source type ${source.type}: add one to ACCESS_BY_TYPE`);
    const access = accessOf({ source, partition, region: account.region, account: account.accountId, valueOf });
    const results = await simulateAccess(role, access, config.clickHouseIamRoleArn);
    out.push({ source: source.name, wrong: wrongOutcomes(results), requests: results.length });
  }
  return out;
}
