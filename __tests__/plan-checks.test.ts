/**
 * Existing databases are checked at plan time (issue 12, item 9): the `aws_db_instance` and
 * `aws_rds_cluster` look-ups carry postconditions, in JSON and in HCL. Terraform itself (the
 * suite's oracle, verify/terraform.ts) validates both forms and plans them with `terraform test`:
 * offline there is no AWS API to read the databases from, so the test file gives the look-ups
 * their attributes with `override_data` (Terraform's own test feature; nothing else is replaced:
 * the synthesized modules, the real AWS provider and Terraform's evaluation of the conditions
 * run as in a real plan). A database that breaks a rule fails the plan with the rule's message;
 * one that keeps every rule plans.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig, synthesize } from '../lib';
import { CLICKHOUSE_ROLE } from './verify/configs';
import { TerraformRoot, terraformAvailability } from './verify/terraform';

const tf = terraformAvailability();
if (!tf.ok) console.warn(`plan-time check tests skipped: ${tf.reason}`);
const suite = tf.ok ? describe : describe.skip;

const CONFIG = {
  clickHouseIamRoleArn: CLICKHOUSE_ROLE,
  accounts: [
    {
      name: 'lookups',
      accountId: '123456789012',
      region: 'us-east-1',
      sources: [
        {
          name: 'orders',
          type: 'aurora-postgres',
          dbClusterIdentifier: 'orders-prod',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
        },
        { name: 'shop', type: 'rds-mariadb', dbInstanceIdentifier: 'shop-prod', schemas: ['shop'] },
        // An RDS Multi-AZ DB cluster (RDS for PostgreSQL, not Aurora), looked up with data.aws_rds_cluster.
        {
          name: 'sales',
          type: 'rds-postgres',
          dbClusterIdentifier: 'sales-maz',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
          tables: [{ schema: 'public', name: 'sales' }],
        },
      ],
    },
  ],
};

type Values = Record<string, string | number | boolean>;
const cluster = (v: Values): Values => ({
  engine: 'aurora-postgresql',
  engine_version: '16.4',
  iam_database_authentication_enabled: true,
  cluster_resource_id: 'cluster-ABCDEFGHIJKLMNOP',
  endpoint: 'orders-prod.cluster-c0ffee.us-east-1.rds.amazonaws.com',
  port: 5432,
  ...v,
});
const multiAzCluster = (v: Values): Values => ({
  engine: 'postgres',
  engine_version: '16.4',
  iam_database_authentication_enabled: true,
  cluster_resource_id: 'cluster-QRSTUVWXYZ012345',
  endpoint: 'sales-maz.cluster-c0ffee.us-east-1.rds.amazonaws.com',
  port: 5432,
  ...v,
});
const instance = (v: Values): Values => ({
  engine: 'mariadb',
  engine_version: '10.11.9',
  resource_id: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  address: 'shop-prod.c0ffee.us-east-1.rds.amazonaws.com',
  port: 3306,
  ...v,
});

const hclValues = (v: Values) =>
  `{ ${Object.entries(v)
    .map(([k, x]) => `${k} = ${JSON.stringify(x)}`)
    .join(', ')} }`;

/** A `run` block that plans modules `json` and `hcl` with these attributes for their look-ups. */
const runBlock = (name: string, orders: Values, shop: Values, sales: Values = multiAzCluster({})) =>
  [
    `run "${name}" {`,
    '  command = plan',
    ...['json', 'hcl'].flatMap((m) => [
      `  override_data {\n    target = module.${m}.data.aws_rds_cluster.orders_db_cluster\n    values = ${hclValues(orders)}\n  }`,
      `  override_data {\n    target = module.${m}.data.aws_db_instance.shop_db_instance\n    values = ${hclValues(shop)}\n  }`,
      `  override_data {\n    target = module.${m}.data.aws_rds_cluster.sales_db_cluster\n    values = ${hclValues(sales)}\n  }`,
    ]),
    '}',
  ].join('\n');

/** The diagnostics of one run and one module (`json/cdk.tf.json` or `hcl/cdk.tf`) in `terraform test` output, one line. */
function diagnosticsOf(outs: Record<string, string>, run: string, form: string): string {
  const file = form === 'json' ? 'json/cdk.tf.json' : 'hcl/cdk.tf';
  return outs[run]
    .split(/(?=Error: )/)
    .filter((d) => d.startsWith('Error: ') && d.includes(` on ${file} line `))
    .join(' ')
    .replace(/\s+/g, ' ');
}

/** Whether a run passed, as `terraform test` reports it. */
const passed = (outs: Record<string, string>, run: string) => new RegExp(`run "${run}"\\.\\.\\. pass`).test(outs[run]);

suite('plan-time checks of existing databases (terraform test, offline)', () => {
  let work: string;
  const out: Record<string, string> = {};
  // One test file per case: after a failed run, `terraform test` skips the later runs of its file.
  const RUNS: Record<string, string> = {
    good: runBlock('good', cluster({}), instance({})),
    iamOff: runBlock('iamOff', cluster({ iam_database_authentication_enabled: false }), instance({})),
    oldVersions: runBlock('oldVersions', cluster({ engine_version: '14.9' }), instance({ engine_version: '10.6.14' })),
    wrongEngine: runBlock('wrongEngine', cluster({ engine: 'aurora-mysql' }), instance({ engine: 'mysql' })),
    multiAzEdge: runBlock('multiAzEdge', cluster({}), instance({}), multiAzCluster({ engine_version: '14.8' })),
    multiAzBad: runBlock(
      'multiAzBad',
      cluster({}),
      instance({}),
      multiAzCluster({ engine_version: '15.2', iam_database_authentication_enabled: false }),
    ),
  };

  beforeAll(async () => {
    if (!tf.ok) return;
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-checks-'));
    const root = new TerraformRoot(path.join(work, 'root'), tf);
    for (const form of ['json', 'hcl'] as const) {
      const synthDir = path.join(work, `synth-${form}`);
      synthesize(parseConfig(CONFIG), { outdir: synthDir, hcl: form === 'hcl' });
      root.addStack(form, path.join(synthDir, 'stacks', 'lookups'));
    }
    for (const [name, run] of Object.entries(RUNS))
      fs.writeFileSync(path.join(root.dir, `${name}.tftest.hcl`), `${run}\n`);
    await root.init();
    await Promise.all(
      Object.keys(RUNS).map(async (name) => {
        const r = await root.run(['test', '-no-color', `-filter=${name}.tftest.hcl`]);
        out[name] = `${r.stdout}\n${r.stderr}`;
      }),
    );
  }, 240_000);

  afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

  describe.each(['json', 'hcl'])('%s', (form) => {
    test('a database that keeps every rule plans', () => {
      expect(passed(out, 'good')).toBe(true);
      expect(diagnosticsOf(out, 'good', form)).toBe('');
    });

    test('an Aurora cluster with IAM authentication off stops the plan with the fix', () => {
      expect(passed(out, 'iamOff')).toBe(false);
      const run = diagnosticsOf(out, 'iamOff', form);
      expect(run).toMatch(/Error: Resource postcondition failed/);
      expect(run).toMatch(
        /ClickPipes source orders: Aurora cluster orders-prod has IAM database authentication off, .* --enable-iam-database-authentication/,
      );
    });

    test('PostgreSQL below 15 with a whole-schema publication, and MariaDB 10.6, stop the plan naming the source page', () => {
      expect(passed(out, 'oldVersions')).toBe(false);
      const run = diagnosticsOf(out, 'oldVersions', form);
      expect(run).toMatch(/runs PostgreSQL 14\.9; the setup SQL publishes whole schemas .* needs PostgreSQL 15/);
      expect(run).toMatch(
        /DB instance shop-prod runs RDS for MariaDB 10\.6\.14; AWS offers IAM database authentication with it from 10\.11 \(AWS, Supported Regions and DB engines for IAM database authentication in Amazon RDS/,
      );
      expect(run).not.toMatch(/ClickPipes reads PostgreSQL 12/);
    });

    test('a database of another engine stops the plan', () => {
      const run = diagnosticsOf(out, 'wrongEngine', form);
      expect(run).toMatch(
        /Aurora cluster orders-prod has engine aurora-mysql, but source type aurora-postgres reads engine aurora-postgresql/,
      );
      expect(run).toMatch(/DB instance shop-prod has engine mysql, but source type rds-mariadb reads engine mariadb/);
    });

    test('a Multi-AZ DB cluster of PostgreSQL 14.8 (logical replication from 14.8-R2) plans', () => {
      expect(passed(out, 'multiAzEdge')).toBe(true);
      expect(diagnosticsOf(out, 'multiAzEdge', form)).toBe('');
    });

    test('a Multi-AZ DB cluster with IAM authentication off, at 15.2, stops the plan with both rules', () => {
      expect(passed(out, 'multiAzBad')).toBe(false);
      const run = diagnosticsOf(out, 'multiAzBad', form);
      expect(run).toMatch(
        /ClickPipes source sales: Multi-AZ DB cluster sales-maz has IAM database authentication off, .*\(aws rds modify-db-cluster --db-cluster-identifier sales-maz --enable-iam-database-authentication/,
      );
      expect(run).toMatch(
        /Multi-AZ DB cluster sales-maz runs PostgreSQL 15\.2; CDC reads the write-ahead log with logical replication, and a Multi-AZ DB cluster supports logical replication from RDS for PostgreSQL 14\.8-R2, 15\.3-R2, 16 on/,
      );
    });
  });
});
