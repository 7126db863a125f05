import * as fs from 'fs';
import type { RdsSourceConfig } from '../lib/config/config';
import { parseConfig } from '../lib/config/config';
import { walLevelCheck, databaseChecks } from '../lib/doctor/check-database';
import { passwordLogin } from '../lib/doctor/database-login';
import { setupSqlStatements } from '../lib/database/setup-sql';
import { AwsLoopback, worldOf } from '../scripts/aws-loopback';
import { describeWithServer, pgRows, psql } from './databases';
import { TEST_CREDENTIALS, configDir, doctor } from './doctor-fixture';

// The database checks of `doctor --connect` against the suite's real PostgreSQL: every
// prerequisite set up by the source's own setup SQL, then one broken at a time (each case row has
// all five columns: a shorter row would make Jest pass `done` as the last parameter). The tests log in
// with a password behind the same interface as the IAM token login (which needs RDS).

const DB = 'cpt_doctor';
const USER = 'cpt_doctor_user';
const SOURCE: RdsSourceConfig = {
  name: 'orders',
  type: 'rds-postgres',
  dbInstanceIdentifier: 'orders-db',
  pipeMode: 'cdc',
  iamAuthForReplication: true,
  schemas: ['public'],
};
const statements = setupSqlStatements({ engine: 'rds-postgres', dbUser: USER, pipeMode: 'cdc', schemas: ['public'] });

describeWithServer('postgres', 'doctor --connect on a real PostgreSQL', (server) => {
  const target = {
    engine: 'rds-postgres' as const,
    host: server.host!,
    port: server.port!,
    region: 'us-east-1',
    user: USER,
    database: DB,
  };
  const run = () =>
    databaseChecks(passwordLogin('not-checked-by-trust-auth'), target, { source: SOURCE, dbUser: USER });

  /** A fresh database and user, set up by the generated setup SQL, then `breakIt` run as the superuser. */
  function setUp(breakIt = ''): void {
    const role = (name: string) =>
      `DO $$ BEGIN CREATE ROLE ${name}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;`;
    const r = psql(
      server,
      'postgres',
      `SET client_min_messages = warning;
       ${role('rds_iam')} ${role('rds_replication')}
       DROP DATABASE IF EXISTS ${DB};
       DO $$ BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '${USER}') THEN EXECUTE 'DROP OWNED BY ${USER}'; END IF; END $$;
       DROP ROLE IF EXISTS ${USER};
       CREATE DATABASE ${DB};
       \\c ${DB}
       CREATE TABLE public.orders (id int PRIMARY KEY);
       CREATE TABLE public.customers (id int PRIMARY KEY);
       ${statements.join('\n')}
       ${breakIt}`,
    );
    if (r.status !== 0) throw new Error(r.stderr);
  }

  const failedOf = async () => (await run()).filter((c) => !c.ok);

  test('every prerequisite in place: every check passes', async () => {
    setUp();
    const checks = await run();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      `database user ${USER} logs in (PostgreSQL at ${server.host}:${server.port})`,
      `${USER} is a member of rds_iam`,
      `${USER} is a member of rds_replication`,
      'USAGE on schema public',
      'SELECT on every table of schema public',
      'SELECT on tables created later in schema public (default privileges)',
      'publication clickpipes exists',
      'publication clickpipes covers every table of public',
      // The suite's server runs with wal_level=logical (scripts/test-databases.sh), read here live.
      'wal_level = logical',
    ]);
    expect(pgRows(server, DB, 'SHOW wal_level')).toEqual([['logical']]);
  });

  const CASES: [string, string, string, string, string | null][] = [
    [
      'a grant dropped',
      `REVOKE SELECT ON public.customers FROM ${USER};`,
      'SELECT on every table of schema public',
      `GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "${USER}";`,
      'not on customers',
    ],
    [
      'the publication dropped',
      'DROP PUBLICATION clickpipes;',
      'publication clickpipes exists',
      'CREATE PUBLICATION "clickpipes" FOR TABLES IN SCHEMA "public";',
      null,
    ],
    [
      'the replication role taken away',
      `REVOKE rds_replication FROM ${USER};`,
      `${USER} is a member of rds_replication`,
      `GRANT rds_replication TO "${USER}";`,
      null,
    ],
    [
      'the IAM role taken away',
      `REVOKE rds_iam FROM ${USER};`,
      `${USER} is a member of rds_iam`,
      `GRANT rds_iam TO "${USER}";`,
      null,
    ],
    [
      'default privileges dropped',
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT ON TABLES FROM ${USER};`,
      'SELECT on tables created later in schema public (default privileges)',
      `ALTER DEFAULT PRIVILEGES IN SCHEMA "public" GRANT SELECT ON TABLES TO "${USER}";`,
      null,
    ],
  ];

  test.each(CASES)(
    '%s: exactly that check fails, its fix the setup SQL statement',
    async (_title, breakIt, name, fix, detail) => {
      setUp(breakIt);
      expect(await failedOf()).toEqual([detail ? { name, ok: false, detail, fix } : { name, ok: false, fix }]);
      expect(statements).toContain(fix);
    },
  );

  test('a table left out of the publication: named, with ALTER PUBLICATION', async () => {
    setUp(
      `ALTER PUBLICATION clickpipes DROP TABLES IN SCHEMA public; ALTER PUBLICATION clickpipes ADD TABLE public.orders;`,
    );
    expect(await failedOf()).toEqual([
      {
        name: 'publication clickpipes covers every table of public',
        ok: false,
        detail: 'missing public.customers',
        fix: 'ALTER PUBLICATION "clickpipes" ADD TABLES IN SCHEMA "public";',
      },
    ]);
  });

  test('user missing: the login fails, the fix creates the user', async () => {
    setUp(`DROP OWNED BY ${USER} CASCADE;\n\\c postgres\nDROP ROLE ${USER};`);
    const failed = await failedOf();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      name: expect.stringMatching(/^database user cpt_doctor_user logs in/),
      detail: expect.stringContaining(USER),
    });
    expect(failed[0].fix).toBe(
      `as the master user: CREATE USER "${USER}"; GRANT rds_iam TO "${USER}"; (then run the source's setup SQL); with IAM, also IAM database authentication on and rds-db:connect for your identity`,
    );
  });

  test("wal_level other than logical (the shared server cannot restart: the value is the test's)", () => {
    expect(walLevelCheck('replica')).toEqual({
      name: 'wal_level = logical',
      ok: false,
      detail: 'is replica',
      fix: 'set rds.logical_replication = 1 in the DB (cluster) parameter group and reboot the database',
    });
    expect(walLevelCheck('logical').ok).toBe(true);
  });

  test('end to end: doctor --connect finds the database through RDS and checks it', async () => {
    setUp(`REVOKE SELECT ON public.customers FROM ${USER};`);
    const config = {
      clickHouseIamRoleArn: 'arn:aws:iam::999988887777:role/CH-S3-doctor-Role',
      accounts: [{ name: 'prod', accountId: '111122223333', region: 'us-east-1', dbUser: USER, sources: [SOURCE] }],
    };
    const world = worldOf(parseConfig(config, 'test'));
    Object.assign(world.get('111122223333')!.instances['orders-db'], {
      host: server.host,
      port: server.port,
      dbName: DB,
    });
    const aws = new AwsLoopback(world);
    const endpoint = await aws.start();
    const dir = configDir(config);
    try {
      const r = await doctor(['--connect', '--json'], dir, {
        aws: { endpoint, credentials: TEST_CREDENTIALS },
        login: passwordLogin('x'),
      });
      const report = JSON.parse(r.stdout) as { sources: { checks: { name: string; ok: boolean }[] }[] };
      expect(report.sources[0].checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([
        'SELECT on every table of schema public',
      ]);
      expect(report.sources[0].checks.map((c) => c.name)).toContain('IAM database authentication is on');
      expect(r.code).toBe(1);
    } finally {
      await aws.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
