import { databaseChecks } from '../lib/doctor/check-database';
import { iamLogin } from '../lib/doctor/database-login';
import { parseDoctorArgs } from '../lib/doctor/args';
import { mapBounded } from '../lib/doctor/pool';
import { allows, policyDifferences } from '../lib/doctor/policy';

const STREAM = 'arn:aws:kinesis:us-east-1:111122223333:stream/clicks';

describe('policy comparison', () => {
  const expected = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['kinesis:GetRecords', 'kinesis:DescribeStream'], Resource: [STREAM] },
      {
        Effect: 'Allow',
        Action: ['rds-db:connect'],
        Resource: ['arn:aws:rds-db:us-east-1:111122223333:dbuser:${aws_db_instance.orders.resource_id}/u'],
      },
    ],
  };

  test('order, case of actions, a single value and a Sid do not matter; a reference matches any value', () => {
    const actual = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'x',
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: 'arn:aws:rds-db:us-east-1:111122223333:dbuser:db-ABCDEFGHIJ/u',
        },
        { Effect: 'Allow', Action: ['Kinesis:DescribeStream', 'kinesis:GetRecords'], Resource: STREAM },
      ],
    };
    expect(policyDifferences(expected, actual)).toEqual([]);
  });

  test('a missing action, an extra statement and another resource are named', () => {
    const actual = {
      Statement: [
        { Effect: 'Allow', Action: ['kinesis:GetRecords'], Resource: [STREAM] },
        {
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: 'arn:aws:rds-db:us-east-1:111122223333:dbuser:db-X/other',
        },
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      ],
    };
    expect(policyDifferences(expected, actual)).toEqual([
      `missing: Allow kinesis:describestream,kinesis:getrecords on ${STREAM}`,
      'missing: Allow rds-db:connect on arn:aws:rds-db:us-east-1:111122223333:dbuser:${aws_db_instance.orders.resource_id}/u',
      `not in the stack: Allow kinesis:getrecords on ${STREAM}`,
      'not in the stack: Allow rds-db:connect on arn:aws:rds-db:us-east-1:111122223333:dbuser:db-X/other',
      'not in the stack: Allow s3:* on *',
    ]);
  });

  test('allows: exact, service wildcard and resource prefix; Deny does not allow', () => {
    const key = 'arn:aws:kms:us-east-1:111122223333:key/k1';
    expect(
      allows([{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key }] }], 'kms:Decrypt', key),
    ).toBe(true);
    expect(
      allows(
        [{ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: 'arn:aws:kms:us-east-1:111122223333:key/*' }] }],
        'kms:Decrypt',
        key,
      ),
    ).toBe(true);
    expect(
      allows([{ Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: key }] }], 'kms:Decrypt', key),
    ).toBe(false);
    expect(
      allows([{ Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: `${key}x` }] }], 'kms:Decrypt', key),
    ).toBe(false);
  });
});

describe('arguments', () => {
  test.each([
    [['--concurrency', '0'], '--concurrency 0: expected a whole number from 1 to 64'],
    [['--stack'], '--stack needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['extra'], 'unknown argument extra'],
  ])('%j: %s', (argv, problem) => {
    expect(parseDoctorArgs(argv)).toEqual({ problem });
  });

  test('values, repeats and = forms', () => {
    expect(
      parseDoctorArgs(['--stack', 'a', '--stack=b', '--source', 'x', '--connect', '--json', '--concurrency=3']),
    ).toEqual({
      stacks: ['a', 'b'],
      sources: ['x'],
      connect: true,
      json: true,
      concurrency: 3,
      caBundle: 'global-bundle.pem',
      help: false,
    });
  });
});

test('mapBounded keeps order and never runs more than the bound', async () => {
  let running = 0;
  let most = 0;
  const out = await mapBounded([5, 1, 4, 2, 3, 0], 2, async (n) => {
    most = Math.max(most, ++running);
    await new Promise((r) => setTimeout(r, n));
    running--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30, 0]);
  expect(most).toBe(2);
});

test('IAM token login: a missing RDS CA bundle is one failed line with the download, no token made', async () => {
  const source = { name: 'orders', type: 'rds-postgres' as const, dbInstanceIdentifier: 'orders-db' };
  const checks = await databaseChecks(
    iamLogin('/nonexistent/global-bundle.pem'),
    {
      engine: 'rds-postgres',
      host: 'orders.abc.us-east-1.rds.amazonaws.com',
      port: 5432,
      region: 'us-east-1',
      user: 'clickpipes_iam_user',
    },
    { source, dbUser: 'clickpipes_iam_user' },
  );
  expect(checks).toEqual([
    {
      name: 'database user clickpipes_iam_user logs in (PostgreSQL at orders.abc.us-east-1.rds.amazonaws.com:5432)',
      ok: false,
      detail: 'cannot read the RDS CA bundle /nonexistent/global-bundle.pem',
      fix: 'download the RDS CA bundle (curl -O https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem), or give its path with --ca-bundle',
    },
  ]);
});

test('a database that cannot be reached: the network, not the user, is the fix', async () => {
  const source = { name: 'billing', type: 'rds-mysql' as const, dbInstanceIdentifier: 'billing' };
  const { passwordLogin } = await import('../lib/doctor/database-login');
  // Port 1 on loopback: nothing listens there.
  const [login] = await databaseChecks(
    passwordLogin('x'),
    { engine: 'rds-mysql', host: '127.0.0.1', port: 1, region: 'us-east-1', user: 'u' },
    { source, dbUser: 'u' },
  );
  expect(login).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
  expect(login.fix).toMatch(/^cannot reach 127\.0\.0\.1:1 from here/);
});
