import { setupSqlFile } from '../lib/database/setup-sql';
import { SqlVariant, describeWithServer, literal, pgRows, psql, sqlVariants } from './databases';

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

const VARIANTS = sqlVariants(
  ['rds-postgres', 'aurora-postgres'],
  ['public', SALES],
  [
    { schema: SALES, name: BESTELLUNGEN },
    { schema: 'public', name: KUNDEN },
  ],
);

/** The tables a variant must be able to read, [schema, table]. */
function readable(v: SqlVariant): [string, string][] {
  if (v.tables) return v.tables.map((t) => [t.schema, t.name]);
  const schemas = v.schemas ?? ['public'];
  return FIXTURE.filter(([schema]) => schemas.includes(schema)).map(([s, t]) => [s, t]);
}

const regclass = (schema: string, table: string) => `format('%I.%I', ${literal(schema)}, ${literal(table)})::regclass`;

/** A table created after the setup SQL ran, in both schemas: default privileges and whole-schema publications cover it. */
const LATER = 'later';

describeWithServer('postgres', 'setup SQL on a real PostgreSQL', (server) => {
  beforeAll(() => {
    // RDS has these roles; a plain PostgreSQL gets stand-ins, as the issue asks. The fixture is a
    // template database, copied for each variant.
    const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
    pgRows(
      server,
      'postgres',
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam; END IF;
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_replication') THEN CREATE ROLE rds_replication; END IF;
       END $$;
       DROP DATABASE IF EXISTS cpt_fixture;
       CREATE DATABASE cpt_fixture;
       \\c cpt_fixture
       CREATE SCHEMA other; CREATE SCHEMA ${quoted(SALES)};
       ${FIXTURE.map(([schema, table]) => `CREATE TABLE ${quoted(schema)}.${quoted(table)} (id int PRIMARY KEY);`).join('\n')}`,
    );
  });

  test.each(VARIANTS.map((v, n) => [`${v.engine} ${v.pipeMode} ${v.form}`, n, v] as const))('%s', (_name, n, v) => {
    const database = `cpt_setup_${n}`;
    const user = `CP.Reader-${n}`;
    const sql = setupSqlFile(`source${n}`, { ...v, dbUser: user });
    const run = psql(
      server,
      'postgres',
      `SET client_min_messages = warning; DROP DATABASE IF EXISTS ${database}; DROP ROLE IF EXISTS "${user}";
       CREATE DATABASE ${database} TEMPLATE cpt_fixture;
       \\c ${database}
       ${sql}`,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const tables = [...FIXTURE, ['public', LATER] as const, [SALES, LATER] as const];
    const u = literal(user);
    // Everything from the catalogs in one query, after the master user created the later tables.
    const [[json]] = pgRows(
      server,
      database,
      `CREATE TABLE public.${LATER} (id int PRIMARY KEY); CREATE TABLE "Sales ""EU""".${LATER} (id int PRIMARY KEY);
       SELECT json_build_object(
         'role', (SELECT json_build_array(rolcanlogin, rolsuper) FROM pg_roles WHERE rolname = ${u}),
         'memberships', (SELECT coalesce(json_agg(g.rolname ORDER BY g.rolname), '[]') FROM pg_auth_members m
                          JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = ${u}),
         'usage', json_build_array(${['public', SALES, 'other'].map((schema) => `has_schema_privilege(${u}, ${literal(schema)}, 'USAGE')`).join(', ')}),
         'select', json_build_array(${tables.map(([schema, table]) => `has_table_privilege(${u}, ${regclass(schema, table)}, 'SELECT')`).join(', ')}),
         'write', json_build_array(${tables.map(([schema, table]) => `has_table_privilege(${u}, ${regclass(schema, table)}, 'INSERT,UPDATE,DELETE,TRUNCATE')`).join(', ')}),
         'defaults', (SELECT coalesce(json_agg(json_build_array(n.nspname, d.defaclobjtype, array_to_string(d.defaclacl, ','))
                        ORDER BY n.nspname), '[]') FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace),
         'publications', (SELECT coalesce(json_agg(pubname), '[]') FROM pg_publication),
         'published', (SELECT coalesce(json_agg(json_build_array(schemaname, tablename) ORDER BY schemaname, tablename), '[]')
                        FROM pg_publication_tables)
       )`,
    );
    const found = JSON.parse(json);

    const schemasForm = v.form !== 'tables';
    const schemas = v.schemas ?? ['public'];
    const read = readable(v);
    if (schemasForm) for (const schema of schemas) read.push([schema, LATER]);
    const isRead = (schema: string, table: string) => read.some(([s, t]) => s === schema && t === table);
    const sorted = (rows: string[][]) => rows.sort((a, b) => (a.join('\u0000') < b.join('\u0000') ? -1 : 1));

    expect(found).toEqual({
      // A login role (CREATE USER), no superuser; rds_iam, and rds_replication for CDC only.
      role: [true, false],
      memberships: v.pipeMode === 'cdc' ? ['rds_iam', 'rds_replication'] : ['rds_iam'],
      // USAGE on the schemas read, none elsewhere; SELECT on exactly the tables read, nothing more.
      usage: ['public', SALES, 'other'].map((schema) => read.some(([s]) => s === schema)),
      select: tables.map(([schema, table]) => isRead(schema, table)),
      write: tables.map(() => false),
      // Default privileges: whole schemas also cover tables the master user creates later.
      defaults: schemasForm ? [...schemas].sort().map((schema) => [schema, 'r', `"${user}"=r/postgres`]) : [],
      // The publication, for CDC only, of exactly the tables read (whole schemas include later tables).
      publications: v.pipeMode === 'cdc' ? ['clickpipes'] : [],
      published: v.pipeMode === 'cdc' ? sorted(read) : [],
    });
    pgRows(server, 'postgres', `DROP DATABASE ${database}; DROP ROLE "${user}";`);
  });
});
