import { setupSqlFile } from '../lib/database/setup-sql';
import { describeWithServer, literal, mariadb, sqlVariants } from './databases';

// The setup SQL of every MySQL/MariaDB variant, run with the mariadb client (`mysql <`, going on
// after errors) against a real MariaDB server. Outside RDS the IAM plugin is missing, so the
// CREATE USER … AWSAuthenticationPlugin statement must fail with error 1524 and nothing else may
// fail: a stand-in user (the same name, with a password) is created right after it, and every
// grant of the file must then succeed for it. RDS's mysql.rds_set_configuration gets a stand-in
// procedure that records its arguments.

const SHOP = 'shop_eu';
/** Matches `shop_eu` if the `_` of a database-level grant were left a wildcard. */
const SHOP_LOOKALIKE = 'shopXeu';
const VERKAEUFE = 'Verkäufe "EU"';
const BESTELLUNGEN = 'Bestellungen Ü';
const PASSWORD = 'stand-in-password';

const VARIANTS = sqlVariants(
  ['rds-mysql', 'aurora-mysql', 'rds-mariadb'],
  [SHOP, VERKAEUFE],
  [
    { schema: SHOP, name: BESTELLUNGEN },
    { schema: VERKAEUFE, name: "it's `quoted`" },
  ],
);

/** A MariaDB identifier written by the test itself. */
const ident = (name: string) => '`' + name.replace(/`/g, '``') + '`';

/** Tables of the fixture, [database, table]. */
const FIXTURE: readonly (readonly [string, string])[] = [
  [SHOP, BESTELLUNGEN],
  [SHOP, 'Kunden'],
  [SHOP_LOOKALIKE, 'secret'],
  [VERKAEUFE, "it's `quoted`"],
  [VERKAEUFE, 'Rechnungen'],
];

describeWithServer('mariadb', 'setup SQL on a real MariaDB', (status) => {
  /** Runs `input` as root; throws on an error. */
  const root = (input: string): string => {
    const r = mariadb(status, input);
    if (r.status !== 0) throw new Error(`mariadb failed (${r.status}): ${r.stderr}\n${input}`);
    return r.stdout;
  };

  beforeAll(() => {
    root(
      [
        ...[SHOP, SHOP_LOOKALIKE, VERKAEUFE].map(
          (d) => `DROP DATABASE IF EXISTS ${ident(d)}; CREATE DATABASE ${ident(d)};`,
        ),
        ...FIXTURE.map(
          ([d, t]) =>
            `CREATE TABLE ${ident(d)}.${ident(t)} (id INT PRIMARY KEY); INSERT INTO ${ident(d)}.${ident(t)} VALUES (1);`,
        ),
        'CREATE DATABASE IF NOT EXISTS cpt_rds;',
        'CREATE TABLE IF NOT EXISTS cpt_rds.configuration (name VARCHAR(64), value INT);',
        // RDS's procedure (name VARCHAR(64), value INT), recording its calls.
        'CREATE OR REPLACE PROCEDURE mysql.rds_set_configuration(IN name VARCHAR(64), IN value INT) INSERT INTO cpt_rds.configuration VALUES (name, value);',
      ].join('\n'),
    );
  });

  test.each(VARIANTS.map((v, n) => [`${v.engine} ${v.pipeMode} ${v.form}`, n, v] as const))('%s', (_name, n, v) => {
    const user = `CP.Reader-${n}`;
    root(`DROP USER IF EXISTS ${literal(user)}@'%'; DELETE FROM cpt_rds.configuration;`);
    const sql = setupSqlFile(`source${n}`, { ...v, dbUser: user });
    const lines = sql.split('\n');
    const createAt = lines.findIndex((l) => l.startsWith('CREATE USER'));
    expect(lines[createAt]).toContain('IDENTIFIED WITH AWSAuthenticationPlugin');
    // The stand-in user, right after the statement that cannot work outside RDS.
    const standIn = `CREATE USER ${literal(user)}@'%' IDENTIFIED BY ${literal(PASSWORD)};`;
    const input = [...lines.slice(0, createAt + 1), standIn, ...lines.slice(createAt + 1)].join('\n');
    const run = mariadb(status, input, { force: true });

    const errors = run.stderr.split('\n').filter((l) => l.startsWith('ERROR'));
    expect(errors).toEqual([
      `ERROR 1524 (HY000) at line ${createAt + 1}: Plugin 'AWSAuthenticationPlugin' is not loaded`,
    ]);

    const grants = root(`SHOW GRANTS FOR ${literal(user)}@'%';`)
      .trim()
      .split('\n')
      .map((g) => g.replace(/ IDENTIFIED BY PASSWORD '\*[0-9A-F]+'/, ''))
      .sort();
    const to = `TO ${ident(user)}@\`%\``;
    const expected = [
      v.pipeMode === 'cdc' ? `GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* ${to}` : `GRANT USAGE ON *.* ${to}`,
      `GRANT SELECT ON \`mysql\`.* ${to}`,
      ...(v.form === 'schemas'
        ? [`GRANT SELECT ON \`shop\\_eu\`.* ${to}`, `GRANT SELECT ON ${ident(VERKAEUFE)}.* ${to}`]
        : []),
      ...(v.form === 'tables'
        ? [
            `GRANT SELECT ON ${ident(SHOP)}.${ident(BESTELLUNGEN)} ${to}`,
            `GRANT SELECT ON ${ident(VERKAEUFE)}.${ident("it's `quoted`")} ${to}`,
          ]
        : []),
    ].sort();
    expect(grants).toEqual(expected);

    // What the stand-in user can read, logged in over TCP: exactly the tables of the grants.
    const readable = (d: string, t: string) =>
      v.form === 'schemas'
        ? d === SHOP || d === VERKAEUFE
        : v.form === 'tables'
          ? v.tables!.some((x) => x.schema === d && x.name === t)
          : false;
    // One login, one statement a line: a table it may read prints its row (`d t 1`), one it may not an
    // error "at line N".
    const probe = FIXTURE.map(([d, t]) => `SELECT ${literal(d)}, ${literal(t)}, id FROM ${ident(d)}.${ident(t)};`);
    const r = mariadb(status, probe.join('\n'), { force: true, login: { user, password: PASSWORD } });
    const denied = [...r.stderr.matchAll(/^ERROR (\d+) \(42000\) at line (\d+): (.*)$/gm)];
    expect(denied.map((m) => [m[1], m[3].replace(/ for table .*/, '')])).toEqual(
      denied.map(() => ['1142', `SELECT command denied to user '${user}'@'127.0.0.1'`]),
    );
    const deniedTables = denied.map((m) => FIXTURE[Number(m[2]) - 1]);
    const readTables = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l)
      .map((l) => l.split('\t'));
    expect(readTables).toEqual(FIXTURE.filter(([d, t]) => readable(d, t)).map(([d, t]) => [d, t, '1']));
    expect(deniedTables).toEqual(FIXTURE.filter(([d, t]) => !readable(d, t)));

    expect(root('SELECT name, value FROM cpt_rds.configuration;').trim()).toBe(
      v.pipeMode === 'cdc' ? 'binlog retention hours\t72' : '',
    );
    root(`DROP USER ${literal(user)}@'%';`);
  });
});
