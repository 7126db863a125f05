import { spawnSync } from 'child_process';
import { createHash, createHmac } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
import { authToken, checkTarget, clientCommand, runConnect } from '../lib/database/connect';

// Tokens are made offline by @aws-sdk/rds-signer from fixed credentials at a fixed time (Jest's
// fake Date only), and their SigV4 signature is recomputed here with node's crypto.

const CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const NOW = new Date('2026-01-02T03:04:05.678Z');
const HOST = 'orders-prod.abcdefghijkl.us-east-1.rds.amazonaws.com';

beforeEach(() => {
  jest.useFakeTimers({
    now: NOW,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
});
afterEach(() => jest.useRealTimers());

/** RFC 3986 encoding, as SigV4 wants it. */
const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** The SigV4 signature of an rds-db connect token, computed from its parts. */
function expectedSignature(host: string, port: number, region: string, query: Record<string, string>, secret: string) {
  const amzDate = query['X-Amz-Date'];
  const day = amzDate.slice(0, 8);
  const canonicalQuery = Object.keys(query)
    .filter((k) => k !== 'X-Amz-Signature')
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}:${port}`, '', 'host', sha256('')].join('\n');
  const scope = `${day}/${region}/rds-db/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 'rds-db'), 'aws4_request');
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/** The parts of a token `host:port/?query`. */
function parseToken(token: string) {
  const m = /^([^/:]+):(\d+)\/\?(.*)$/.exec(token);
  if (!m) throw new Error(`not a token: ${token}`);
  const query = Object.fromEntries(
    m[3].split('&').map((pair) => {
      const [k, v] = pair.split('=');
      return [decodeURIComponent(k), decodeURIComponent(v)];
    }),
  );
  return { host: m[1], port: Number(m[2]), query, raw: m[3] };
}

test('the token is a SigV4-presigned rds-db connect request for host, port, region and user, valid 900 s', async () => {
  const token = await authToken({ host: HOST, port: 5432, region: 'us-east-1', user: 'CP.Reader-1' }, CREDENTIALS);
  const t = parseToken(token);
  expect(t.host).toBe(HOST);
  expect(t.port).toBe(5432);
  expect(Object.keys(t.query).sort()).toEqual([
    'Action',
    'DBUser',
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Date',
    'X-Amz-Expires',
    'X-Amz-Signature',
    'X-Amz-SignedHeaders',
  ]);
  expect(t.query).toMatchObject({
    Action: 'connect',
    DBUser: 'CP.Reader-1',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20260102/us-east-1/rds-db/aws4_request',
    'X-Amz-Date': '20260102T030405Z',
    'X-Amz-Expires': '900',
    'X-Amz-SignedHeaders': 'host',
  });
  // The credential scope's slashes are percent-encoded in the token itself, as in the AWS article.
  expect(t.raw).toContain('X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260102%2Fus-east-1%2Frds-db%2Faws4_request');
  expect(t.query['X-Amz-Signature']).toMatch(/^[0-9a-f]{64}$/);
  expect(t.query['X-Amz-Signature']).toBe(
    expectedSignature(HOST, 5432, 'us-east-1', t.query, CREDENTIALS.secretAccessKey),
  );
});

test('every signature input changes the signature; the same inputs give the same token', async () => {
  const base = { host: HOST, port: 3306, region: 'eu-west-1', user: 'clickpipes_iam_user' };
  const token = await authToken(base, CREDENTIALS);
  expect(await authToken(base, CREDENTIALS)).toBe(token);
  const variants = [
    { ...base, host: `other-${HOST}` },
    { ...base, port: 3307 },
    { ...base, region: 'eu-west-2' },
    { ...base, user: 'clickpipes_iam_user2' },
  ];
  const signatures = new Set([parseToken(token).query['X-Amz-Signature']]);
  for (const v of variants) {
    const t = parseToken(await authToken(v, CREDENTIALS));
    expect(t.query['X-Amz-Signature']).toBe(
      expectedSignature(v.host, v.port, v.region, t.query, CREDENTIALS.secretAccessKey),
    );
    signatures.add(t.query['X-Amz-Signature']);
  }
  jest.setSystemTime(new Date(NOW.getTime() + 1000));
  signatures.add(parseToken(await authToken(base, CREDENTIALS)).query['X-Amz-Signature']);
  expect(signatures.size).toBe(6);
});

test('temporary credentials put their session token in the signed query', async () => {
  const token = await authToken(
    { host: HOST, port: 5432, region: 'us-east-1', user: 'u1' },
    { ...CREDENTIALS, sessionToken: 'FwoGZXIvYXdzE/session+token=' },
  );
  const t = parseToken(token);
  expect(t.query['X-Amz-Security-Token']).toBe('FwoGZXIvYXdzE/session+token=');
  expect(t.query['X-Amz-Signature']).toBe(
    expectedSignature(HOST, 5432, 'us-east-1', t.query, CREDENTIALS.secretAccessKey),
  );
});

test('client commands: psql with verify-full, mysql with VERIFY_IDENTITY, mariadb with server cert verification', () => {
  const target = { host: HOST, port: 5432, region: 'us-east-1', user: 'clickpipes_iam_user', database: 'orders' };
  expect(clientCommand({ ...target, engine: 'rds-postgres' }, 'h:5432/?a=1&b=2')).toBe(
    `PGPASSWORD='h:5432/?a=1&b=2' psql 'host=${HOST} port=5432 dbname=orders user=clickpipes_iam_user sslmode=verify-full sslrootcert=global-bundle.pem'`,
  );
  expect(
    clientCommand({ ...target, engine: 'aurora-mysql', port: 3306, database: undefined }, 'T&x', '/etc/rds.pem'),
  ).toBe(
    `mysql --host=${HOST} --port=3306 --user=clickpipes_iam_user '--password=T&x' --enable-cleartext-plugin --ssl-ca=/etc/rds.pem --ssl-mode=VERIFY_IDENTITY`,
  );
  expect(clientCommand({ ...target, engine: 'rds-mariadb', port: 3306, database: 'shop' }, "it's")).toBe(
    `mariadb --host=${HOST} --port=3306 --user=clickpipes_iam_user '--password=it'\\''s' --enable-cleartext-plugin --ssl-ca=global-bundle.pem --ssl-verify-server-cert shop`,
  );
});

describe('from a synthesized stack', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-connect-'));
    synthesize(parseConfig(EXAMPLE_CONFIG), { outdir, hcl: false });
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const run = (...args: string[]) => runConnect([...args, '--outdir', outdir], CREDENTIALS);

  test('prints the command for the source, with engine, region and user from the stack', async () => {
    const r = await run(
      '--source',
      'metrics',
      '--host',
      'metrics.c0ffee.eu-west-1.rds.amazonaws.com',
      '--dbname',
      'app',
      '--check',
    );
    expect(r.stderr).toMatch(/^(|Note: global-bundle.pem is not here.*\n)$/);
    expect(r.exitCode).toBe(0);
    const m =
      /^PGPASSWORD='([^']+)' psql 'host=(\S+) port=5432 dbname=app user=clickpipes_iam_user sslmode=verify-full sslrootcert=global-bundle.pem'\n$/.exec(
        r.stdout,
      );
    expect(m).not.toBeNull();
    const t = parseToken(m![1]);
    expect([t.host, t.port, t.query.DBUser, t.query['X-Amz-Credential']]).toEqual([
      'metrics.c0ffee.eu-west-1.rds.amazonaws.com',
      5432,
      'clickpipes_iam_user',
      'AKIAIOSFODNN7EXAMPLE/20260102/eu-west-1/rds-db/aws4_request',
    ]);
  });

  test("--check refuses a host, port, region or user that is not the stack's", async () => {
    const cases: [string[], string][] = [
      [
        ['--source', 'metrics', '--host', 'metrics.c0ffee.eu-west-1.rds.amazonaws.com', '--region', 'eu-west-2'],
        '--region: eu-west-2, but the stack is in eu-west-1',
      ],
      [
        ['--source', 'metrics', '--host', 'metrics.c0ffee.us-east-1.rds.amazonaws.com'],
        'is not an RDS endpoint in eu-west-1',
      ],
      [['--source', 'metrics', '--host', 'events.c0ffee.eu-west-1.rds.amazonaws.com'], 'is not an endpoint of metrics'],
      [
        ['--source', 'events', '--host', 'events.c0ffee.eu-west-1.rds.amazonaws.com', '--port', '3307'],
        'but the stack creates the database on port 3306',
      ],
      [
        [
          '--source',
          'users',
          '--stack',
          'prod',
          '--host',
          'x.us-east-1.rds.amazonaws.com',
          '--port',
          '3306',
          '--user',
          'clickpipes_iam_user',
        ],
        "but the source's database user is cp_users",
      ],
      [
        ['--source', 'reports', '--host', 'reports.cluster-ro-c0ffee.eu-west-1.rds.amazonaws.com'],
        'is not the writer (cluster) endpoint of Aurora cluster reports but its reader endpoint',
      ],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args, '--check');
      expect([args.join(' '), r.exitCode, r.stdout]).toEqual([args.join(' '), 1, '']);
      expect(r.stderr).toContain(message);
    }
    const writer = await run(
      '--source',
      'reports',
      '--host',
      'reports.cluster-c0ffee.eu-west-1.rds.amazonaws.com',
      '--check',
      '--token-only',
    );
    expect(writer.exitCode).toBe(0);
    expect(parseToken(writer.stdout.trim()).port).toBe(5432);
  });

  test('bad or missing flags are named', async () => {
    expect((await run('--source', 'nope')).stderr).toContain(
      '--source nope: no such source in stack(s) analytics, prod',
    );
    expect((await run('--source', 'orders')).stderr).toContain('--host: missing');
    // --port is optional: a looked-up database's default is the engine's (5432 for PostgreSQL).
    const defaultPort = await run(
      '--source',
      'orders',
      '--host',
      'orders-prod.x.us-east-1.rds.amazonaws.com',
      '--token-only',
    );
    expect([defaultPort.exitCode, defaultPort.stderr]).toEqual([0, '']);
    expect(parseToken(defaultPort.stdout.trim()).port).toBe(5432);
    const mysqlDefault = await runConnect(
      ['--engine', 'rds-mysql', '--host', 'h.example', '--region', 'us-east-1', '--user', 'u', '--token-only'],
      CREDENTIALS,
    );
    expect(parseToken(mysqlDefault.stdout.trim()).port).toBe(3306);
    const flagsOnly = await runConnect([
      '--engine',
      'rds-postgres',
      '--host',
      'h.example',
      '--port',
      '99999',
      '--region',
      'mars-1',
      '--user',
      'rdsadmin',
    ]);
    expect(flagsOnly.exitCode).toBe(1);
    const quoted = await run('--source', 'orders', '--host', '"orders-prod.x.us-east-1.rds.amazonaws.com"');
    expect([quoted.exitCode, quoted.stderr]).toEqual([
      1,
      'clickpipes-connect: --host: "orders-prod.x.us-east-1.rds.amazonaws.com" is in quotes, as `terraform output` prints strings; use `terraform output -raw`\n',
    ]);
    expect(flagsOnly.stderr).toContain('--port: "99999" is not a TCP port');
    expect(flagsOnly.stderr).toContain('--region: "mars-1" is not an AWS region code');
    expect(
      (
        await runConnect([
          '--engine',
          'rds-postgres',
          '--host',
          'h',
          '--port',
          '5432',
          '--region',
          'us-east-1',
          '--check',
        ])
      ).stderr,
    ).toContain('--check: compares with a synthesized source; give --source');
  });
});

test('the clickpipes-connect bin runs with credentials from the environment', () => {
  const bin = path.join(__dirname, '..', 'dist', 'connect.js');
  const r = spawnSync(
    process.execPath,
    [
      bin,
      '--engine',
      'rds-mariadb',
      '--host',
      'events.c0ffee.eu-west-1.rds.amazonaws.com',
      '--port',
      '3306',
      '--region',
      'eu-west-1',
      '--user',
      'clickpipes_iam_user',
      '--token-only',
    ],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const t = parseToken(r.stdout.trim());
  expect(t.query['X-Amz-Signature']).toBe(
    expectedSignature(t.host, t.port, 'eu-west-1', t.query, CREDENTIALS.secretAccessKey),
  );
  expect(t.query.DBUser).toBe('clickpipes_iam_user');
});

test('--check of a looked-up database compares host and port with what Terraform read', () => {
  const source = {
    engine: 'rds-postgres' as const,
    region: 'us-east-1',
    dbUser: 'clickpipes_iam_user',
    pipeMode: 'initial-load' as const,
    identifier: 'orders-prod',
    addressOutput: 'orders_db_address',
    portOutput: 'orders_db_port',
    setupSqlFile: 'clickpipes/orders.sql',
  };
  const target = { engine: source.engine, host: HOST, port: 5432, region: source.region, user: source.dbUser };
  expect(checkTarget(target, source, { address: HOST.toUpperCase(), port: 5432 })).toEqual([]);
  expect(checkTarget(target, source, { address: HOST, port: 6543 })).toEqual([
    `--port: 5432, but Terraform's orders_db_port is 6543; give --port "$(terraform output -raw orders_db_port)"`,
  ]);
  const other = 'orders-prod.other.us-east-1.rds.amazonaws.com';
  expect(checkTarget({ ...target, host: other }, source, { address: HOST, port: 5432 })).toEqual([
    `--host: ${other}, but Terraform's orders_db_address is ${HOST}`,
  ]);
  // Without what Terraform read, the endpoint's form is checked.
  expect(checkTarget({ ...target, host: other }, source)).toEqual([]);
  expect(checkTarget({ ...target, host: 'db.example.com' }, source)).toEqual([
    '--host: db.example.com is not an RDS endpoint in us-east-1 (expected a name ending in .us-east-1.rds.amazonaws.com)',
  ]);
});
