/**
 * The scale case of `npm run bench`, run in a child process per measurement:
 *
 *   node dist/scripts/scale.js project|raw STACKS OUTDIR [SOURCES]
 *
 * `project`: this project's app synthesizes a config of STACKS account entries of SOURCES
 * sources each (default 10), of mixed types in turn (of every 10: 4 RDS/Aurora, 2 Kinesis, 2 S3,
 * 2 MSK); an account with more than 1,000 sources states its raised IAM quota of roles. `raw`: the same resources written with the
 * provider classes alone, no code of this project (what a team would write by hand). Prints
 * `{ "maxRssKiB": …, "cpuSeconds": …, "blocks": … }`: the peak memory, the CPU time (user and
 * system) and the count of Terraform blocks written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

const CLICKHOUSE_ROLE = 'arn:aws:iam::111122223333:role/CH-S3-example-Role';
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1', 'us-west-2'];
const RDS = [
  ['rds-postgres', 'db'],
  ['aurora-postgres', 'cluster'],
  ['rds-mysql', 'db'],
  ['aurora-mysql', 'cluster'],
] as const;
const UUID = '6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';

/** The config of the scale case: `stacks` account entries of `sources` sources of mixed types. */
export function scaleConfig(stacks: number, sources = 10) {
  return {
    clickHouseIamRoleArn: CLICKHOUSE_ROLE,
    accounts: Array.from({ length: stacks }, (_, a) => {
      const accountId = String(100000000000 + a);
      const region = REGIONS[a % REGIONS.length];
      return {
        name: `account${a}`,
        accountId,
        region,
        ...(sources > 1000 ? { iamQuotas: { rolesPerAccount: sources } } : {}),
        sources: Array.from({ length: sources }, (_, j) => scaleSource(a, j, region, accountId)),
      };
    }),
  };
}

type ScaleSource =
  | { name: string; type: (typeof RDS)[number][0]; resourceId: string; schemas?: string[] }
  | { name: string; type: 'kinesis'; streams: string[] }
  | { name: string; type: 's3'; buckets: string[]; prefix: string }
  | { name: string; type: 'msk'; clusterArn: string; topics: string[] };

/** Source `j` of account `a`: of every 10, 4 RDS/Aurora, 2 Kinesis, 2 S3 and 2 MSK. */
function scaleSource(a: number, j: number, region: string, accountId: string): ScaleSource {
  const k = j % 10;
  const i = k % 2;
  if (k < 4) {
    const [type, kind] = RDS[k];
    return {
      name: `db${j}`,
      type,
      resourceId: `${kind}-R${a}X${j}`,
      // MySQL and MariaDB sources name what ClickPipes reads (issue 12).
      ...(type.endsWith('mysql') ? { schemas: ['app'] } : {}),
    };
  }
  if (k < 6) return { name: `stream${j}`, type: 'kinesis', streams: [`events-${j}`, `clicks-${j}`] };
  if (k < 8) return { name: `bucket${j}`, type: 's3', buckets: [`landing-${a}-${j}`], prefix: 'exports/' };
  return {
    name: `kafka${j}`,
    type: 'msk',
    clusterArn: `arn:aws:kafka:${region}:${accountId}:cluster/orders${i}/${UUID}`,
    topics: ['orders', 'payments.*'],
  };
}

type Source = ReturnType<typeof scaleConfig>['accounts'][number]['sources'][number];

/** The policy statements of one source, written out by hand: what the project's constructs grant. */
function statements(s: Source, region: string, accountId: string): DataAwsIamPolicyDocumentStatement[] {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  if ('resourceId' in s) {
    return [
      {
        effect: 'Allow',
        actions: ['rds-db:connect'],
        resources: [arn('rds-db', `dbuser:${s.resourceId}/clickpipes_iam_user`)],
      },
    ];
  }
  if ('streams' in s) {
    const streams = s.streams.map((n) => arn('kinesis', `stream/${n}`));
    return [
      {
        effect: 'Allow',
        actions: ['kinesis:DescribeStream', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
        resources: streams,
      },
      {
        effect: 'Allow',
        actions: ['kinesis:SubscribeToShard', 'kinesis:DescribeStreamConsumer'],
        resources: streams.map((x) => `${x}/consumer/*`),
      },
      { effect: 'Allow', actions: ['kinesis:ListStreams'], resources: ['*'] },
    ];
  }
  if ('buckets' in s) {
    return [
      {
        effect: 'Allow',
        actions: ['s3:GetBucketLocation', 's3:ListBucket'],
        resources: s.buckets.map((b) => `arn:aws:s3:::${b}`),
      },
      {
        effect: 'Allow',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: s.buckets.map((b) => `arn:aws:s3:::${b}/${s.prefix}*`),
      },
    ];
  }
  const [name, uuid] = s.clusterArn.split(':cluster/')[1].split('/');
  return [
    { effect: 'Allow', actions: ['kafka-cluster:Connect'], resources: [s.clusterArn] },
    {
      effect: 'Allow',
      actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'],
      resources: s.topics.map((t) => arn('kafka', `topic/${name}/${uuid}/${t}`)),
    },
    {
      effect: 'Allow',
      actions: ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
      resources: [arn('kafka', `group/${name}/${uuid}/*`)],
    },
  ];
}

/** The scale case with the provider classes alone. */
function synthRaw(stacks: number, sources: number, outdir: string): void {
  const app = new App({ outdir, stackTraces: false });
  for (const account of scaleConfig(stacks, sources).accounts) {
    const stack = new TerraformStack(app, account.name);
    new AwsProvider(stack, 'aws', {
      region: account.region,
      allowedAccountIds: [account.accountId],
      defaultTags: [{ tags: { 'managed-by': 'cdktf-clickpipes-aws' } }],
    });
    new LocalBackend(stack, { path: `../../../terraform.${account.name}.tfstate` });
    for (const s of account.sources) {
      const trust = new DataAwsIamPolicyDocument(stack, `${s.name}_trust_policy`, {
        statement: [
          {
            effect: 'Allow',
            actions: 'resourceId' in s ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'],
            principals: [{ type: 'AWS', identifiers: [CLICKHOUSE_ROLE] }],
          },
        ],
      });
      const role = new IamRole(stack, `${s.name}_role`, {
        name: `ClickHouseAccessRole-${s.name}`,
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
        tags: { 'clickpipes-source': s.name },
      });
      const policy = new DataAwsIamPolicyDocument(stack, `${s.name}_read_policy`, {
        statement: statements(s, account.region, account.accountId),
      });
      new IamRolePolicy(stack, `${s.name}_read`, { name: 'read', role: role.name, policy: policy.json });
      new TerraformOutput(stack, `${s.name}_role_arn`, { value: role.arn });
      if ('resourceId' in s) {
        new TerraformOutput(stack, `${s.name}_db_user_sql`, { value: 'CREATE USER clickpipes_iam_user;' });
        new TerraformOutput(stack, `${s.name}_setup_sql`, { value: 'CREATE USER clickpipes_iam_user; GRANT …;' });
      }
    }
  }
  app.synth();
}

/** The count of resource, data and output blocks of every stack under `outdir`. */
function countBlocks(outdir: string): number {
  let n = 0;
  for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    for (const kind of ['resource', 'data'])
      for (const byName of Object.values(json[kind] ?? {})) n += Object.keys(byName as object).length;
    n += Object.keys(json.output ?? {}).length;
  }
  return n;
}

if (require.main === module) {
  const [mode, count, outdir, perStack] = process.argv.slice(2);
  const stacks = Number(count);
  const sources = Number(perStack ?? 10);
  if (mode === 'raw') synthRaw(stacks, sources, outdir);
  else {
    // Loaded only in this mode: the raw case runs no code of the project.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require('../lib') as typeof import('../lib');
    lib.synthesize(lib.parseConfig(scaleConfig(stacks, sources)), { outdir });
  }
  process.stdout.write(
    JSON.stringify({
      maxRssKiB: process.resourceUsage().maxRSS,
      cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
      blocks: countBlocks(outdir),
    }) + '\n',
  );
}
