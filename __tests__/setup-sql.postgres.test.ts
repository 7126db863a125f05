import { PIPE_MODES, PipeMode, RdsEngine, ReplicatedTable, setupSqlFile } from '../lib';
import { describeWithServer, literal, pgRows, psql } from './databases';

// The setup SQL of every PostgreSQL variant, run with psql against a real PostgreSQL server, then
// checked from the catalogs: the role, its memberships, schema and table privileges, default
// privileges and the publication.

const SALES = 'Sales "EU"';
const BESTELLUNGEN = 'Bestellungen Ü';
const KUNDEN = "Kunden's";

/** Tables of the fixture database, [schema, table]. */
const FIXTURE: readonly (readonly [string, string])[] = [
  ['public', 'orders'],
  ['public', KUNDEN],
  [SALES, BESTELLUNGEN],
  [SALES, 'Rechnungen'],
  ['other', 'secret'],
];

interface Variant {
  readonly engine: RdsEngine;
  readonly pipeMode: PipeMode;
  readonly form: 'default' | 'schemas' | 'tables';
  readonly schemas?: string[];
  readonly tables?: ReplicatedTable[];
}

const FORMS: Pick<Variant, 'form' | 'schemas' | 'tables'>[] = [
  { form: 'default' },
  { form: 'schemas', schemas: ['public', SALES] },
  {
    form: 'tables',
    tables: [
      { schema: SALES, name: BESTELLUNGEN },
      { schema: 'public', name: KUNDEN },
    ],
  },
];

const VARIANTS: Variant[] = (['rds-postgres', 'aurora-postgres'] as const).flatMap((engine) =>
  PIPE_MODES.flatMap((pipeMode) => FORMS.map((f) => ({ engine, pipeMode, ...f }))),
);

/** The tables a variant must be able to read, [schema, table]. */
function readable(v: Variant): [string, string][] {
  if (v.tables) return v.tables.map((t) => [t.schema, t.name]);
  const schemas = v.schemas ?? ['public'];
  return FIXTURE.filter(([schema]) => schemas.includes(schema)).map(([s, t]) => [s, t]);
}

const regclass = (schema: string, table: string) => `format('%I.%I', ${literal(schema)}, ${literal(table)})::regclass`;

describeWithServer('postgres', 'setup SQL on a real PostgreSQL', (server) => {
  beforeAll(() => {
    // RDS has these roles; a plain PostgreSQL gets stand-ins, as the issue asks.
    pgRows(
      server,
      'postgres',
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF;
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_replication') THEN CREATE ROLE rds_replication; END IF;
       END $$;`,
    );
  });

  test.each(VARIANTS.map((v, n) => [`${v.engine} ${v.pipeMode} ${v.form}`, n, v] as const))('%s', (_name, n, v) => {
    const database = `cpt_setup_${n}`;
    const user = `CP.Reader-${n}`;
    pgRows(server, 'postgres', `DROP DATABASE IF EXISTS ${database};`);
    pgRows(server, 'postgres', `DROP ROLE IF EXISTS "${user}";`);
    pgRows(server, 'postgres', `CREATE DATABASE ${database};`);
    pgRows(
      server,
      database,
      `CREATE SCHEMA other; CREATE SCHEMA "Sales ""EU""";` +
        FIXTURE.map(([s, t]) => `CREATE TABLE ${s === SALES ? '"Sales ""EU"""' : s}."${t}" (id int PRIMARY KEY);`).join(
          ' ',
        ),
    );

    const sql = setupSqlFile(`source${n}`, { ...v, dbUser: user });
    const run = psql(server, database, sql);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    // The role: a login role (CREATE USER), member of rds_iam, and of rds_replication for CDC only.
    expect(
      pgRows(server, database, `SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = ${literal(user)}`),
    ).toEqual([['t', 'f']]);
    const memberships = pgRows(
      server,
      database,
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
         WHERE u.rolname = ${literal(user)} ORDER BY 1`,
    ).map((r) => r[0]);
    expect(memberships).toEqual(v.pipeMode === 'cdc' ? ['rds_iam', 'rds_replication'] : ['rds_iam']);

    // Schemas: USAGE on those read, none elsewhere.
    const usedSchemas = new Set(readable(v).map(([s]) => s));
    for (const schema of ['public', SALES, 'other']) {
      const [[usage]] = pgRows(
        server,
        database,
        `SELECT has_schema_privilege(${literal(user)}, ${literal(schema)}, 'USAGE')`,
      );
      expect([schema, usage]).toEqual([schema, usedSchemas.has(schema) ? 't' : 'f']);
    }
    // Tables: SELECT on exactly those read, and nothing but SELECT.
    const expected = new Set(readable(v).map((t) => JSON.stringify(t)));
    for (const [schema, table] of FIXTURE) {
      const [[select, insert]] = pgRows(
        server,
        database,
        `SELECT has_table_privilege(${literal(user)}, ${regclass(schema, table)}, 'SELECT'),
                  has_table_privilege(${literal(user)}, ${regclass(schema, table)}, 'INSERT,UPDATE,DELETE,TRUNCATE')`,
      );
      expect([schema, table, select, insert]).toEqual([
        schema,
        table,
        expected.has(JSON.stringify([schema, table])) ? 't' : 'f',
        'f',
      ]);
    }

    // Default privileges: schemas (default public) also cover tables created later by the master user.
    const defaults = pgRows(
      server,
      database,
      `SELECT n.nspname, d.defaclobjtype, array_to_string(d.defaclacl, ',') FROM pg_default_acl d
         JOIN pg_namespace n ON n.oid = d.defaclnamespace ORDER BY 1`,
    );
    const schemasForm = v.form !== 'tables';
    expect(defaults).toEqual(
      schemasForm
        ? (v.schemas ?? ['public'])
            .slice()
            .sort()
            .map((schema) => [schema, 'r', `"${user}"=r/postgres`])
        : [],
    );
    pgRows(
      server,
      database,
      `CREATE TABLE "Sales ""EU""".later (id int PRIMARY KEY); CREATE TABLE public.later (id int PRIMARY KEY);`,
    );
    for (const schema of ['public', SALES]) {
      const [[select]] = pgRows(
        server,
        database,
        `SELECT has_table_privilege(${literal(user)}, ${regclass(schema, 'later')}, 'SELECT')`,
      );
      expect([schema, select]).toEqual([schema, schemasForm && (v.schemas ?? ['public']).includes(schema) ? 't' : 'f']);
    }

    // The publication: for CDC only, of exactly the tables read (whole schemas include later tables).
    const publications = pgRows(server, database, `SELECT pubname FROM pg_publication`).map((r) => r[0]);
    expect(publications).toEqual(v.pipeMode === 'cdc' ? ['clickpipes'] : []);
    if (v.pipeMode === 'cdc') {
      const published = pgRows(
        server,
        database,
        `SELECT schemaname, tablename FROM pg_publication_tables ORDER BY 1, 2`,
      );
      const want = readable(v);
      if (schemasForm) for (const schema of v.schemas ?? ['public']) want.push([schema, 'later']);
      expect(published).toEqual(want.sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1)));
    }
    pgRows(server, 'postgres', `DROP DATABASE ${database};`);
    pgRows(server, 'postgres', `DROP ROLE "${user}";`);
  });
});
