import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import {
  CLICKPIPES_REGIONS,
  CLICKPIPES_STATIC_IPS,
  ClickPipesInputError,
  ClickPipesRdsIamAccess,
  EXAMPLE_CONFIG,
  cdcPrerequisites,
  clickPipesStaticIps,
  parseConfig,
  setupSqlStatements,
  synthesize,
} from '../lib';
import { CLICKHOUSE_ROLE, blocks, synthStack } from './helpers';

// The database side at the Terraform level: network access from the ClickPipes static IPs, the
// setup SQL and CDC prerequisite outputs, and the config rules of the new fields. The SQL itself
// runs against real servers in setup-sql.*.test.ts.

/** The problems of the example config with its `orders` source (rds-postgres, looked up) changed. */
function problemsOf(change: Record<string, unknown>, index = 0): string[] {
  const config = structuredClone(EXAMPLE_CONFIG) as unknown as { accounts: { sources: Record<string, unknown>[] }[] };
  Object.assign(config.accounts[0].sources[index], change);
  try {
    parseConfig(config, 'c.json');
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) return [...e.problems];
    throw e;
  }
  return [];
}

describe('the static IP data file', () => {
  test('names its source and holds IPv4 addresses; every split points at a listed region', () => {
    expect(CLICKPIPES_STATIC_IPS.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(CLICKPIPES_STATIC_IPS.source.url).toContain(CLICKPIPES_STATIC_IPS.source.commit);
    for (const [region, entry] of Object.entries(CLICKPIPES_STATIC_IPS.aws)) {
      expect(region).toMatch(/^[a-z]{2}-[a-z]+-\d$/);
      expect(entry.ips.length).toBeGreaterThanOrEqual(6);
      for (const ip of entry.ips) {
        expect(ip).toMatch(/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/);
      }
      expect(new Set(entry.ips).size).toBe(entry.ips.length);
      if (entry.since !== undefined) {
        expect(entry.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(CLICKPIPES_REGIONS).toContain(entry.before);
        expect(CLICKPIPES_STATIC_IPS.aws[entry.before!].since).toBeUndefined();
      }
    }
  });

  test.each([
    ['us-east-1', undefined, 'us-east-1', 9],
    ['eu-central-1', undefined, 'eu-central-1', 6],
    ['ap-south-1', '2025-06-25', 'ap-south-1', 6],
    ['ap-south-1', '2025-06-24', 'us-east-2', 6],
    ['eu-west-1', '2026-01-19', 'eu-central-1', 6],
    ['eu-west-1', '2026-01-20', 'eu-west-1', 6],
  ])('a service in %s created on %s gets the IPs of %s', (region, created, used, count) => {
    const r = clickPipesStaticIps(region, created);
    if (r.problem) throw new Error(r.problem[1]);
    expect(r).toMatchObject({ region: used });
    expect(r.ips).toEqual(CLICKPIPES_STATIC_IPS.aws[used].ips);
    expect(r.ips).toHaveLength(count);
  });
});

describe('network access', () => {
  test('one ingress rule per security group and IP, on the looked-up database port', () => {
    const synth = synthStack((scope) => {
      new ClickPipesRdsIamAccess(scope, 'orders', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        engine: 'rds-postgres',
        dbInstanceIdentifier: 'orders-prod',
        networkAccess: {
          clickHouseRegion: 'us-east-1',
          securityGroupIds: ['sg-0123456789abcdef0', 'sg-0fedcba987654321'],
        },
      });
    });
    const rules = blocks(synth, 'resource', 'aws_vpc_security_group_ingress_rule');
    expect(rules).toHaveLength(18);
    const ips = CLICKPIPES_STATIC_IPS.aws['us-east-1'].ips;
    expect(
      rules
        .filter((r) => r.security_group_id === 'sg-0fedcba987654321')
        .map((r) => r.cidr_ipv4)
        .sort(),
    ).toEqual(ips.map((ip) => `${ip}/32`).sort());
    for (const rule of rules) {
      expect(rule).toMatchObject({
        ip_protocol: 'tcp',
        from_port: expect.stringContaining('.port}'),
        to_port: rule.from_port,
      });
      expect(rule.from_port).toMatch(/^\$\{data\.aws_db_instance\.[\w-]+\.port\}$/);
    }
  });

  test('defaults to the security groups and port of a database of the stack', () => {
    const synth = synthStack((scope) => {
      const db = new DbInstance(scope, 'db', {
        engine: 'mariadb',
        engineVersion: '10.11',
        instanceClass: 'db.t4g.micro',
        allocatedStorage: 20,
        vpcSecurityGroupIds: ['sg-00000000000000001'],
        // ClickPipes' static IPs are public: network access needs a publicly accessible database (issue 12).
        publiclyAccessible: true,
      });
      new ClickPipesRdsIamAccess(scope, 'events', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        engine: 'rds-mariadb',
        instance: db,
        schemas: ['events'],
        networkAccess: { clickHouseRegion: 'ap-south-1', serviceCreatedOn: '2024-01-01' },
      });
    });
    const rules = blocks(synth, 'resource', 'aws_vpc_security_group_ingress_rule');
    expect(rules.map((r) => r.cidr_ipv4).sort()).toEqual(
      CLICKPIPES_STATIC_IPS.aws['us-east-2'].ips.map((ip) => `${ip}/32`).sort(),
    );
    expect(new Set(rules.map((r) => r.security_group_id))).toEqual(new Set(['sg-00000000000000001']));
    expect(rules[0].from_port).toMatch(/^\$\{aws_db_instance\.[\w-]+\.port\}$/);
    expect(rules[0].description).toBe('ClickPipes (us-east-2 static IP) to the database of source events');
  });

  test('a database named by resource ID gets the engine default port', () => {
    const synth = synthStack((scope) => {
      new ClickPipesRdsIamAccess(scope, 'catalog', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        engine: 'rds-mysql',
        resourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        schemas: ['catalog'],
        networkAccess: { clickHouseRegion: 'eu-central-1', securityGroupIds: ['sg-0123456789abcdef0'] },
      });
    });
    expect(new Set(blocks(synth, 'resource', 'aws_vpc_security_group_ingress_rule').map((r) => r.from_port))).toEqual(
      new Set([3306]),
    );
  });
});

describe('outputs', () => {
  test('setup SQL on one line; CDC prerequisites only for CDC; endpoint and port when the stack knows the database', () => {
    const synth = JSON.parse(
      synthStack((scope) => {
        new ClickPipesRdsIamAccess(scope, 'a', {
          clickHouseIamRoleArn: CLICKHOUSE_ROLE,
          engine: 'aurora-postgres',
          dbClusterIdentifier: 'a-prod',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
          tables: [{ schema: 'Sales "EU"', name: 'Bestellungen Ü' }],
          publication: 'cp_a',
        });
        new ClickPipesRdsIamAccess(scope, 'b', {
          clickHouseIamRoleArn: CLICKHOUSE_ROLE,
          engine: 'rds-mysql',
          resourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
          schemas: ['catalog'],
        });
      }),
    ) as { output: Record<string, { value: unknown }> };
    const outputs = Object.fromEntries(
      Object.entries(synth.output).map(([k, v]) => [k.replace(/_[0-9A-F]{8}$/, ''), v.value]),
    );
    const a = Object.entries(outputs).find(([k]) => k.startsWith('a_setup_sql'))![1];
    expect(a).toBe(
      setupSqlStatements({
        engine: 'aurora-postgres',
        dbUser: 'clickpipes_iam_user',
        pipeMode: 'cdc',
        tables: [{ schema: 'Sales "EU"', name: 'Bestellungen Ü' }],
        publication: 'cp_a',
      }).join(' '),
    );
    expect(a).toContain('CREATE PUBLICATION "cp_a" FOR TABLE "Sales ""EU"""."Bestellungen Ü";');
    expect(Object.keys(outputs).some((k) => k.startsWith('a_cdc_prerequisites'))).toBe(true);
    expect(Object.keys(outputs).some((k) => k.startsWith('b_cdc_prerequisites'))).toBe(false);
    expect(Object.keys(outputs).some((k) => k.startsWith('a_db_address'))).toBe(true);
    expect(Object.keys(outputs).some((k) => k.startsWith('b_db_address'))).toBe(false);
  });
});

describe('config rules of the database side', () => {
  test('the example config, with schemas and network access, parses', () => {
    expect(problemsOf({})).toEqual([]);
  });

  // [what, source index in the example's first account (0: orders, rds-postgres, looked up; 1: users,
  // aurora-mysql, cdc), change, expected problem]
  const rows: [string, number, Record<string, unknown>, string][] = [
    [
      'schemas and tables',
      0,
      { tables: [{ schema: 'public', name: 'x' }] },
      'accounts[0].sources[0].tables: give schemas or tables, not both',
    ],
    ['an empty schema list', 0, { schemas: [] }, 'accounts[0].sources[0].schemas: is empty; list at least one schema'],
    [
      'a MySQL source that names nothing to read (issue 12)',
      1,
      { schemas: undefined },
      'accounts[0].sources[1].schemas: is missing; list the databases (schemas) or the tables ClickPipes reads',
    ],
    ['a schema listed twice', 0, { schemas: ['a', 'a'] }, 'accounts[0].sources[0].schemas[1]: "a" is listed twice'],
    [
      'a PostgreSQL name over 63 bytes',
      0,
      { schemas: ['Ü'.repeat(32)] },
      'has 64 bytes in UTF-8; PostgreSQL names have at most 63',
    ],
    [
      'a control character',
      0,
      { schemas: ['a\nb'] },
      'accounts[0].sources[0].schemas[0]: "a\\nb" holds a control character',
    ],
    [
      'a MySQL name ending in a space',
      1,
      { schemas: ['shop '] },
      'accounts[0].sources[1].schemas[0]: "shop " ends with a space',
    ],
    [
      'a MySQL table name beyond U+FFFF',
      1,
      { tables: [{ schema: 'shop', name: 'a😀' }] },
      'accounts[0].sources[1].tables[0].name: "a😀" holds a character beyond U+FFFF',
    ],
    [
      'a publication on MySQL',
      1,
      { publication: 'p' },
      'accounts[0].sources[1].publication: applies to PostgreSQL sources with pipeMode "cdc" only',
    ],
    [
      'a publication for initial-load',
      0,
      { publication: 'p' },
      'accounts[0].sources[0].publication: applies to PostgreSQL sources with pipeMode "cdc" only',
    ],
    [
      'binlog retention on PostgreSQL',
      0,
      { binlogRetentionHours: 24 },
      'accounts[0].sources[0].binlogRetentionHours: applies to MySQL and MariaDB sources',
    ],
    [
      'binlog retention of 0',
      1,
      { binlogRetentionHours: 0 },
      // Aurora MySQL 3 keeps up to 2,160 hours (issue 12, Aurora User Guide); RDS for MySQL/MariaDB 168.
      'accounts[0].sources[1].binlogRetentionHours: 0 is out of range; expected a whole number of hours from 1 to 2160',
    ],
    [
      'an unknown ClickHouse region',
      0,
      { networkAccess: { clickHouseRegion: 'eu-south-9', securityGroupIds: ['sg-0123456789abcdef0'] } },
      `accounts[0].sources[0].networkAccess.clickHouseRegion: "eu-south-9" is not a ClickPipes region of the static IP list (${CLICKPIPES_STATIC_IPS.version}); expected one of ${CLICKPIPES_REGIONS.join(', ')}`,
    ],
    [
      'a split region without a creation date',
      0,
      { networkAccess: { clickHouseRegion: 'us-west-2', securityGroupIds: ['sg-0123456789abcdef0'] } },
      "accounts[0].sources[0].networkAccess.serviceCreatedOn: is missing; ClickPipes serves services in us-west-2 created on or after 2025-06-24 from us-west-2's IPs and older ones from us-east-2's",
    ],
    [
      'a creation date that is not one',
      0,
      {
        networkAccess: {
          clickHouseRegion: 'us-west-2',
          serviceCreatedOn: '2025-13-01',
          securityGroupIds: ['sg-0123456789abcdef0'],
        },
      },
      'accounts[0].sources[0].networkAccess.serviceCreatedOn: "2025-13-01" is not a date',
    ],
    [
      'a bad security group ID',
      0,
      { networkAccess: { clickHouseRegion: 'us-east-1', securityGroupIds: ['sg-XYZ'] } },
      'accounts[0].sources[0].networkAccess.securityGroupIds[0]: "sg-XYZ" is not a security group ID',
    ],
    [
      'no security group for a looked-up database',
      0,
      { networkAccess: { clickHouseRegion: 'us-east-1' } },
      "accounts[0].sources[0].networkAccess.securityGroupIds: is missing; list the database's security groups",
    ],
    [
      'a port out of range',
      0,
      { networkAccess: { clickHouseRegion: 'us-east-1', securityGroupIds: ['sg-0123456789abcdef0'], port: 70000 } },
      'accounts[0].sources[0].networkAccess.port: 70000 is not a TCP port',
    ],
    [
      'MySQL CDC on 5.7 (no binlog_row_metadata)',
      1,
      { resourceId: undefined, create: { engineVersion: '5.7.mysql_aurora.2.11.2' } },
      'accounts[0].sources[1].pipeMode: "cdc" needs binlog_row_metadata = FULL, which exists from Aurora MySQL 3 (MySQL 8.0), but the engine version is "5.7.mysql_aurora.2.11.2"',
    ],
    [
      'a whole-schema publication below PostgreSQL 15',
      0,
      { pipeMode: 'cdc', iamAuthForReplication: true, engineVersion: '14.9' },
      'accounts[0].sources[0].schemas: a publication of whole schemas (FOR TABLES IN SCHEMA) needs PostgreSQL 15, but the engine version is "14.9"; list the tables instead',
    ],
  ];
  test.each(rows)('bad input: %s', (_what, index, change, expected) => {
    const problems = problemsOf(change, index);
    if (!problems.some((p) => p.includes(expected)))
      throw new Error(`expected "${expected}" among:\n${problems.join('\n')}`);
  });

  test('MariaDB CDC needs 10.5; IAM DB authentication needs 10.11 (issue 12: AWS page); 10.11 and MySQL 8.0 pass', () => {
    const mariadb = (engineVersion: string) =>
      problemsOf(
        { type: 'rds-mariadb', resourceId: undefined, pipeMode: 'cdc', dbUser: undefined, create: { engineVersion } },
        1,
      );
    const iam = (v: string) =>
      `c.json: accounts[0].sources[1].create.engineVersion: "${v}": AWS offers IAM database authentication with RDS for MariaDB from 10.11 (AWS, "Supported Regions and DB engines for IAM database authentication in Amazon RDS (Amazon RDS User Guide)", https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.IamDatabaseAuthentication.html (as of 2026-12-02)); use 10.11 or later`;
    // In file order: pipeMode stands before create in the config.
    expect(mariadb('10.4')).toEqual([
      'c.json: accounts[0].sources[1].pipeMode: "cdc" needs binlog_row_metadata = FULL, which exists from MariaDB 10.5, but the engine version is "10.4"; upgrade the database, or use "initial-load"',
      iam('10.4'),
    ]);
    // 10.5 has binlog_row_metadata, but no IAM DB authentication in any Region.
    expect(mariadb('10.5')).toEqual([iam('10.5')]);
    expect(mariadb('10.11')).toEqual([]);
    expect(problemsOf({ type: 'rds-mysql', resourceId: undefined, create: { engineVersion: '8.0' } }, 1)).toEqual([]);
  });
});

test('a stack without RDS sources gets no clickpipes/ folder, and loses the one of an earlier synth', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-dbside-'));
  try {
    const config = parseConfig(EXAMPLE_CONFIG);
    const [prod] = config.accounts;
    synthesize({ ...config, accounts: [prod] }, { outdir, hcl: false });
    expect(fs.readdirSync(path.join(outdir, 'stacks', 'prod', 'clickpipes')).sort()).toEqual([
      'catalog.sql',
      'orders.sql',
      'payments.sql',
      'sources.json',
      'users.sql',
    ]);
    const streamsOnly = { ...prod, sources: prod.sources!.filter((s) => s.type === 'kinesis') };
    expect(streamsOnly.sources).toHaveLength(1);
    synthesize({ ...config, accounts: [streamsOnly] }, { outdir, hcl: false });
    expect(fs.readdirSync(path.join(outdir, 'stacks', 'prod')).sort()).toEqual(['cdk.tf.json', 'diagram.md']);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

describe('CDC prerequisites (issue 12)', () => {
  test('a database with a new parameter group: how to verify the parameters after apply, the reboot that fixes them, and why', () => {
    const [postgres, mysql] = [
      cdcPrerequisites({ engine: 'rds-postgres', pipeMode: 'cdc', managed: true }),
      cdcPrerequisites({ engine: 'aurora-mysql', pipeMode: 'cdc', managed: true }),
    ];
    expect(postgres).toContainEqual(
      expect.stringMatching(
        /^verify after apply, as the master user: SHOW rds\.logical_replication; \(expect on\).*if not, reboot \(aws rds reboot-db-instance --db-instance-identifier <identifier>\): AWS advises waiting 5 minutes .*\(RDS API, CreateDBParameterGroup\)/,
      ),
    );
    expect(mysql).toContainEqual(
      expect.stringMatching(
        /SELECT @@binlog_format, @@binlog_row_image, @@binlog_row_metadata; \(expect ROW, FULL, FULL\)/,
      ),
    );
  });

  test('PostgreSQL: 12 or later, as ClickPipes reads', () => {
    for (const engine of ['rds-postgres', 'aurora-postgres'] as const) {
      expect(cdcPrerequisites({ engine, pipeMode: 'cdc', managed: false })).toContain(
        'PostgreSQL 12 or later (ClickPipes reads 12 and later; rds.iam_auth_for_replication exists from 11)',
      );
    }
  });

  test('Aurora PostgreSQL: wal_sender_timeout left at its default, saying which guide asked for 0 and which no longer does', () => {
    const aurora = cdcPrerequisites({ engine: 'aurora-postgres', pipeMode: 'cdc', managed: true });
    expect(aurora).toContainEqual(
      expect.stringMatching(
        /^wal_sender_timeout is left at its default: an earlier ClickHouse Aurora guide set it to 0 .* the current one \(clickhouse\.com\/docs\/integrations\/clickpipes\/postgres\/source\/aurora\) no longer does/,
      ),
    );
    expect(cdcPrerequisites({ engine: 'rds-postgres', pipeMode: 'cdc', managed: true }).join()).not.toMatch(
      /wal_sender_timeout/,
    );
    expect(cdcPrerequisites({ engine: 'aurora-postgres', pipeMode: 'initial-load', managed: true })).toEqual([]);
  });
});
