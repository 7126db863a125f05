import * as fs from 'fs';
import { AwsLoopback, worldOf } from '../scripts/aws-loopback';
import { DoctorOptions } from '../lib/doctor/cli';
import { parseConfig } from '../lib';
import { DOCTOR_CONFIG, TEST_CREDENTIALS, configDir, doctor, doctorConfig } from './doctor-fixture';
import { PACKAGE, TEST_FRAMEWORK } from './helpers';

// The AWS checks of `doctor` against a loopback server answering as the AWS API references
// document (scripts/aws-loopback.ts): all set up, then one thing broken per case.

let server: AwsLoopback;
let options: DoctorOptions;
let dir: string;
/** The world with everything in place, built once (each test gets a copy). */
let base: ReturnType<typeof worldOf>;

beforeAll(async () => {
  dir = configDir();
  base = worldOf(doctorConfig());
  server = new AwsLoopback(structuredClone(base));
  const endpoint = await server.start();
  options = { aws: { endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 3, retryBaseDelayMs: 5 } };
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.world = structuredClone(base);
  server.faults = [];
});

type Report = {
  ok: boolean;
  sources: { stack: string; source: string; checks: { name: string; ok: boolean; fix?: string; detail?: string }[] }[];
};
const run = async (...argv: string[]) => {
  const r = await doctor(['--json', ...argv], dir, options);
  return { ...r, report: JSON.parse(r.stdout) as Report };
};
const failed = (report: Report) =>
  report.sources.flatMap((s) =>
    s.checks
      .filter((c) => !c.ok)
      .map((c) => ({ source: s.source, name: c.name, fix: c.fix ?? '', detail: c.detail ?? '' })),
  );

test('everything in place: every check passes, exit 0', async () => {
  const { code, report } = await run();
  expect(failed(report)).toEqual([]);
  expect(code).toBe(0);
  expect(report.sources.map((s) => s.source)).toEqual(['orders', 'billing', 'events', 'lake', 'stream']);
  const names = report.sources.flatMap((s) => s.checks.map((c) => c.name));
  expect(names).toEqual(
    expect.arrayContaining([
      'AWS credentials reach account 444455556666',
      'IAM role ClickHouseAccessRole-orders exists',
      "trust policy of ClickHouseAccessRole-orders is the stack's",
      'IAM database authentication is on',
      'rds.logical_replication = 1 in DB parameter group clickpipes-orders-db',
      'binlog_format = ROW in DB cluster parameter group clickpipes-billing',
      'Kinesis stream views exists',
      'S3 bucket acme-lake exists',
      'SQS queue lake-events exists',
      'IAM client authentication is on',
    ]),
  );
  // The analytics account was reached through a real AssumeRole call.
  expect(server.calls).toContainEqual({ service: 'sts', action: 'AssumeRole', account: '111122223333' });
  expect(server.calls).toContainEqual({ service: 'kafka', action: 'DescribeClusterV2', account: '444455556666' });
});

/** Each case breaks one thing; exactly that check fails, with its fix. */
const CASES: [string, () => void, { source: string; name: string; fix: RegExp }][] = [
  [
    'role missing',
    () => delete server.world.get('111122223333')!.roles['ClickHouseAccessRole-events'],
    {
      source: 'events',
      name: 'IAM role ClickHouseAccessRole-events exists',
      fix: new RegExp(`${TEST_FRAMEWORK} deploy prod`),
    },
  ],
  [
    'trust policy drift',
    () => {
      const role = server.world.get('111122223333')!.roles['ClickHouseAccessRole-orders'];
      (role.trust.Statement as { Principal: unknown }[])[0].Principal = { AWS: 'arn:aws:iam::999988887777:role/other' };
    },
    {
      source: 'orders',
      name: "trust policy of ClickHouseAccessRole-orders is the stack's",
      fix: /terraform apply in cdktf.out\/stacks\/prod/,
    },
  ],
  [
    'IAM auth off',
    () => (server.world.get('111122223333')!.instances['orders-db'].iamAuth = false),
    {
      source: 'orders',
      name: 'IAM database authentication is on',
      fix: /^aws rds modify-db-instance --db-instance-identifier orders-db --enable-iam-database-authentication/,
    },
  ],
  [
    'parameter not set',
    () => (server.world.get('111122223333')!.parameterGroups['clickpipes-billing'].binlog_format = 'MIXED'),
    {
      source: 'billing',
      name: 'binlog_format = ROW in DB cluster parameter group clickpipes-billing',
      fix: /modify-db-cluster-parameter-group --db-cluster-parameter-group-name clickpipes-billing --parameters "ParameterName=binlog_format,ParameterValue=ROW/,
    },
  ],
  [
    'pending reboot',
    () => (server.world.get('111122223333')!.instances['orders-db'].applyStatus = 'pending-reboot'),
    {
      source: 'orders',
      name: 'parameter changes applied (no reboot pending)',
      fix: /^aws rds reboot-db-instance --db-instance-identifier orders-db$/,
    },
  ],
  [
    'engine version refused',
    () => (server.world.get('111122223333')!.instances['orders-db'].version = '10.21'),
    {
      source: 'orders',
      name: 'engine version 10.21 is supported',
      fix: /ClickPipes reads PostgreSQL 12 and later \(ClickHouse docs, https:\/\/clickhouse\.com\/docs\/integrations\/clickpipes\/postgres\/source\/rds\); upgrade the database to 12 or later/,
    },
  ],
  [
    'static IP rule missing',
    () => server.world.get('111122223333')!.securityGroups['sg-0123456789abcdef0'][0].cidrs.shift(),
    {
      source: 'orders',
      name: 'security groups sg-0123456789abcdef0 allow TCP 5432 from the ClickPipes IPs of us-east-1',
      fix: /authorize-security-group-ingress --group-id sg-0123456789abcdef0 .*CidrIp=54\.82\.38\.199\/32/,
    },
  ],
  [
    'not publicly accessible',
    () => (server.world.get('111122223333')!.instances['orders-db'].publiclyAccessible = false),
    {
      source: 'orders',
      name: 'publicly accessible (ClickPipes connects from public static IPs)',
      fix: /--publicly-accessible/,
    },
  ],
  [
    'stream encrypted with a customer managed key',
    () =>
      (server.world.get('111122223333')!.streams.clicks.keyId =
        'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    {
      source: 'events',
      name: "ClickHouseAccessRole-events may kms:Decrypt with stream clicks's customer managed key",
      fix: /put-role-policy --role-name ClickHouseAccessRole-events/,
    },
  ],
  [
    'Requester Pays bucket',
    () => (server.world.get('444455556666')!.buckets['acme-lake'].payer = 'Requester'),
    {
      source: 'lake',
      name: 'bucket acme-lake is not Requester Pays (ClickPipes does not support it)',
      fix: /Payer=BucketOwner/,
    },
  ],
  [
    'queue missing',
    () => (server.world.get('444455556666')!.queues = []),
    { source: 'lake', name: 'SQS queue lake-events exists', fix: /aws sqs create-queue --queue-name lake-events/ },
  ],
  [
    'MSK without IAM',
    () =>
      (server.world.get('444455556666')!.mskClusters[
        'arn:aws:kafka:us-east-1:444455556666:cluster/stream/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5'
      ].iam = false),
    { source: 'stream', name: 'IAM client authentication is on', fix: /Sasl=\{Iam=\{Enabled=true\}\}/ },
  ],
  [
    'access denied',
    () => server.faults.push({ service: 'rds', action: 'DescribeDBClusters', kind: 'denied' }),
    { source: 'billing', name: 'DB cluster billing exists', fix: /allow rds:DescribeDBClusters to the identity/ },
  ],
  [
    "the account entry's role cannot be assumed",
    () => server.faults.push({ service: 'sts', action: 'AssumeRole', kind: 'denied' }),
    {
      source: 'lake',
      name: 'AWS credentials reach account 444455556666',
      fix: /may assume arn:aws:iam::444455556666:role\/terraform/,
    },
  ],
  [
    'throttled past the retries',
    () => server.faults.push({ service: 'kinesis', kind: 'throttle', action: 'DescribeStreamSummary' }),
    {
      source: 'events',
      name: 'Kinesis stream clicks exists',
      fix: /throttled kinesis:DescribeStreamSummary.*lower --concurrency/,
    },
  ],
];

// Each case checks the broken source alone (--source): the first test runs them all, in place.
test.each(CASES)('%s: the doctor names exactly that one, with its fix', async (_title, breakIt, expected) => {
  breakIt();
  const { code, report } = await run('--source', expected.source);
  const found = failed(report);
  // Throttling of every stream fails both streams of the source: the same check for each.
  const unique = found.filter((f) => f.name === expected.name || !/Kinesis stream/.test(f.name));
  expect(unique).toHaveLength(1);
  expect(unique[0]).toMatchObject({ source: expected.source, name: expected.name });
  expect(unique[0].fix).toMatch(expected.fix);
  expect(code).toBe(1);
});

test('an RDS for MySQL Multi-AZ DB cluster is looked up as a cluster, and passes', async () => {
  const config = {
    ...DOCTOR_CONFIG,
    accounts: [
      {
        ...DOCTOR_CONFIG.accounts[0],
        sources: [{ name: 'ledger', type: 'rds-mysql', dbClusterIdentifier: 'ledger', schemas: ['ledger'] }],
      },
    ],
  };
  const own = configDir(config);
  try {
    server.world = worldOf(parseConfig(config, 'test'));
    const r = await doctor(['--json'], own, options);
    const report = JSON.parse(r.stdout) as Report;
    expect(failed(report)).toEqual([]);
    expect(report.sources[0].checks.map((c) => c.name)).toContain('DB cluster ledger exists');
    expect(r.code).toBe(0);
  } finally {
    fs.rmSync(own, { recursive: true, force: true });
  }
});

test('throttling within the retries passes: the SDK retries it', async () => {
  server.faults.push({ service: 'iam', action: 'GetRole', kind: 'throttle', times: 2 });
  const { code, report } = await run('--source', 'orders');
  expect(failed(report)).toEqual([]);
  expect(code).toBe(0);
  expect(server.calls.filter((c) => c.action === 'GetRole').length).toBeGreaterThanOrEqual(3);
});

test('one unreachable service does not stop the others', async () => {
  server.faults.push({ service: 'kafka', kind: 'drop' });
  const { code, report } = await run();
  const found = failed(report);
  expect(found).toEqual([
    expect.objectContaining({
      source: 'stream',
      name: expect.stringMatching(/^MSK cluster stream exists$/),
      fix: expect.stringMatching(/cannot reach the kafka endpoint/),
    }),
  ]);
  expect(report.sources.filter((s) => s.checks.every((c) => c.ok)).map((s) => s.source)).toEqual([
    'orders',
    'billing',
    'events',
    'lake',
  ]);
  expect(code).toBe(1);
});

test('bounded concurrency: at most --concurrency sources (so AWS calls) at once', async () => {
  server.maxInFlight = 0;
  const { code } = await run('--concurrency', '2');
  expect(code).toBe(0);
  expect(server.maxInFlight).toBeGreaterThanOrEqual(1);
  expect(server.maxInFlight).toBeLessThanOrEqual(2);
  server.maxInFlight = 0;
  await run('--concurrency', '5');
  expect(server.maxInFlight).toBeGreaterThan(2);
});

test('wrong account: the account line fails and nothing else is asked of it', async () => {
  const world = server.world;
  world.set('777777777777', world.get('111122223333')!);
  const { code, report } = await doctor(['--json', '--stack', 'prod'], dir, {
    aws: { ...options.aws, credentials: { ...TEST_CREDENTIALS, accessKeyId: 'AKIA777777777777TEST' } },
  }).then((r) => ({ ...r, report: JSON.parse(r.stdout) as Report }));
  expect(report.sources.map((s) => s.checks)).toEqual(
    Array(3).fill([
      expect.objectContaining({
        name: 'AWS credentials reach account 111122223333',
        ok: false,
        fix: expect.stringMatching(/use a profile of 111122223333/),
      }),
    ]),
  );
  expect(code).toBe(1);
});

test('text report: checklist per source, progress on stderr, credentials and tokens never printed', async () => {
  server.world.get('111122223333')!.instances['orders-db'].iamAuth = false;
  const r = await doctor([], dir, options, true);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('prod / orders (rds-postgres, account 111122223333, us-east-1)\n');
  expect(r.stdout).toMatch(/\n {2}✗ IAM database authentication is on\n {6}fix: aws rds modify-db-instance/);
  expect(r.stdout).toMatch(/\n {2}✓ IAM role ClickHouseAccessRole-orders exists\n/);
  expect(r.stdout).toMatch(/1 of \d+ checks failed, in 1 of 5 source\(s\)\.\n$/);
  expect(r.stderr).toMatch(/^\[1\/5\] /);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(5);
  for (const secret of [
    TEST_CREDENTIALS.accessKeyId,
    TEST_CREDENTIALS.secretAccessKey,
    'wJalrXUtnFEMI',
    'FwoGZXIvYXdzEXAMPLETOKEN',
    'ASIA444455556666',
  ])
    expect(r.stdout + r.stderr).not.toContain(secret);
});

test('bad arguments: one line and the usage, exit 2; --help: the usage, exit 0', async () => {
  const bad = await doctor(['--nope'], dir, options);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(new RegExp(`^doctor: unknown argument --nope\nusage: ${PACKAGE} doctor`));
  const stack = await doctor(['--stack', 'nope'], dir, options);
  expect(stack.code).toBe(2);
  expect(stack.stderr).toMatch(/^doctor: --stack nope: no such stack in the config; its stacks: prod, analytics\n/);
  const help = await doctor(['--help'], dir, options);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(new RegExp(`^usage: ${PACKAGE} doctor`));
});

test('main dispatches doctor: --help prints its usage and exits 0', async () => {
  const { main } = await import('../main');
  let out = '';
  expect(await main(['doctor', '-h'], { stdout: (t) => (out += t), stderr: () => undefined, env: {}, cwd: dir })).toBe(
    0,
  );
  expect(out).toMatch(new RegExp(`^usage: ${PACKAGE} doctor `));
});
