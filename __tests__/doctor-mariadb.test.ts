import type { RdsSourceConfig } from '../lib/config/config';
import { mysqlSettingCheck, databaseChecks } from '../lib/doctor/check-database';
import { passwordLogin } from '../lib/doctor/database-login';
import { setupSqlStatements } from '../lib/database/setup-sql';
import { describeWithServer, mariadb } from './databases';

// The database checks of `doctor --connect` against the suite's real MariaDB: the user, the grants
// of the setup SQL and the binary log settings set up, then one broken at a time. The tests log in
// with a password behind the same interface as the IAM token login; RDS's mysql.rds_configuration
// (what mysql.rds_show_configuration shows) gets a stand-in table, as the setup SQL tests give
// mysql.rds_set_configuration a stand-in. binlog_format and binlog_row_metadata are set globally on
// the shared server for these tests and put back after (no other test reads them).

const DB = 'cpt_doctor_db';
const USER = 'cpt_doctor';
const PASSWORD = 'cpt-doctor-pw';
const SOURCE: RdsSourceConfig = {
  name: 'billing',
  type: 'rds-mariadb',
  dbInstanceIdentifier: 'billing',
  pipeMode: 'cdc',
  schemas: [DB],
  binlogRetentionHours: 72,
};
const statements = setupSqlStatements({
  engine: 'rds-mariadb',
  dbUser: USER,
  pipeMode: 'cdc',
  schemas: [DB],
  binlogRetentionHours: 72,
});

describeWithServer('mariadb', 'doctor --connect on a real MariaDB', (server) => {
  const target = {
    engine: 'rds-mariadb' as const,
    host: '127.0.0.1',
    port: server.port!,
    region: 'us-east-1',
    user: USER,
  };
  const run = () => databaseChecks(passwordLogin(PASSWORD), target, { source: SOURCE, dbUser: USER });
  const sql = (input: string) => {
    const r = mariadb(server, input);
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout.trim();
  };
  let before = '';

  beforeAll(() => {
    before = sql('SELECT @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_metadata;');
  });
  afterAll(() => {
    const [format, metadata] = before.split('\t');
    sql(`SET GLOBAL binlog_format = '${format}'; SET GLOBAL binlog_row_metadata = '${metadata}';`);
  });

  /** A fresh database and user with the setup SQL's grants (a password instead of the IAM plugin), then `breakIt` as root. */
  function setUp(breakIt = ''): void {
    const grants = statements.filter((s) => s.startsWith('GRANT'));
    sql(`DROP DATABASE IF EXISTS ${DB}; DROP USER IF EXISTS '${USER}'@'%';
      CREATE DATABASE ${DB}; CREATE TABLE ${DB}.invoices (id int PRIMARY KEY);
      CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASSWORD}';
      ${grants.join('\n')}
      CREATE TABLE IF NOT EXISTS mysql.rds_configuration (name VARCHAR(100) PRIMARY KEY, value VARCHAR(100), description VARCHAR(300));
      REPLACE INTO mysql.rds_configuration VALUES ('binlog retention hours', '72', 'binlog retention hours specifies the duration in hours before binary logs are automatically deleted.');
      SET GLOBAL binlog_format = 'ROW'; SET GLOBAL binlog_row_metadata = 'FULL';
      ${breakIt}`);
  }
  const failedOf = async () => (await run()).filter((c) => !c.ok);

  test('every prerequisite in place: every check passes', async () => {
    setUp();
    const checks = await run();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual([
      `database user ${USER} logs in (MySQL protocol at 127.0.0.1:${server.port})`,
      'SELECT on the mysql database',
      `SELECT on database ${DB}`,
      'REPLICATION CLIENT',
      'REPLICATION SLAVE',
      'binlog_format = ROW',
      'binlog_row_image = FULL',
      'binlog_row_metadata = FULL',
      'binary log retention of at least 72 hours',
    ]);
  });

  const CASES: [string, string, string, string][] = [
    [
      'a grant dropped',
      `REVOKE SELECT ON \`cpt\\_doctor\\_db\`.* FROM '${USER}'@'%';`,
      `SELECT on database ${DB}`,
      `GRANT SELECT ON \`cpt\\_doctor\\_db\`.* TO '${USER}';`,
    ],
    [
      'replication dropped',
      `REVOKE REPLICATION SLAVE ON *.* FROM '${USER}'@'%';`,
      'REPLICATION SLAVE',
      `GRANT REPLICATION SLAVE ON *.* TO '${USER}';`,
    ],
    [
      'binlog_format MIXED',
      `SET GLOBAL binlog_format = 'MIXED';`,
      'binlog_format = ROW',
      'set binlog_format = ROW in the DB (cluster) parameter group (aws rds modify-db-parameter-group --db-parameter-group-name <group> --parameters "ParameterName=binlog_format,ParameterValue=ROW,ApplyMethod=immediate")',
    ],
    [
      'binary log retention not set',
      `UPDATE mysql.rds_configuration SET value = NULL WHERE name = 'binlog retention hours';`,
      'binary log retention of at least 72 hours',
      "as the master user: CALL mysql.rds_set_configuration('binlog retention hours', 72);",
    ],
  ];

  test.each(CASES)('%s: exactly that check fails, with its fix', async (_title, breakIt, name, fix) => {
    setUp(breakIt);
    const failed = await failedOf();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ name, ok: false, fix });
    const statement = fix.replace(/^as the master user: /, '');
    if (/^(GRANT|CALL)/.test(statement)) expect(statements).toContain(statement);
  });

  test('user missing: the login fails, the fix creates the user with the IAM plugin', async () => {
    setUp(`DROP USER '${USER}'@'%';`);
    const failed = await failedOf();
    expect(failed).toHaveLength(1);
    expect(failed[0].name).toMatch(/^database user cpt_doctor logs in/);
    expect(failed[0].fix).toBe(
      `as the master user: CREATE USER '${USER}' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'; (then run the source's setup SQL); with IAM, also IAM database authentication on and rds-db:connect for your identity`,
    );
    expect(failed[0].detail).not.toContain(PASSWORD);
  });

  test('binlog_row_image other than FULL (a value the test gives)', () => {
    expect(mysqlSettingCheck('binlog_row_image', 'FULL', 'MINIMAL')).toMatchObject({ ok: false, detail: 'is MINIMAL' });
  });
});
