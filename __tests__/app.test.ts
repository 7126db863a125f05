import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterInstance } from '@cdktf/provider-aws/lib/rds-cluster-instance';
import {
  ClickPipesAccountStack,
  ClickPipesConfig,
  createManagedDatabase,
  ENGINES,
  EXAMPLE_CONFIG,
  PIPE_MODES,
  RDS_ENGINES,
  parseConfig,
  synthesize,
} from '../lib';
import { MAIN, TEST_FRAMEWORK, addresses, recordSynth, runApp, tree, tempFolders } from './helpers';
import { expectCatalogValid } from './verify/catalog';
import { GOV_CONFIG, LITERAL_CONFIG, MATRIX_CONFIG } from './verify/configs';
import { comparableHcl, comparableTerraform } from './verify/hcl';
import { FRAMEWORK } from '../lib/framework';

/** The framework the app's summary lines name (this Jest project's). */
const ON = `${FRAMEWORK.name} ${FRAMEWORK.version}`;

const tmp = tempFolders('cpa-');

beforeAll(() => {
  if (!fs.existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm test` (it builds first) or `npm run build`');
});

/** The default app's cdktf.out, synthesized once by the real app for the whole file. */
let defaultOut: string;
beforeAll(() => {
  const dir = tmp();
  const r = runApp(dir);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`Synthesized 2 stack(s) on ${ON} from embedded example: prod, analytics\n`);
  defaultOut = path.join(dir, 'cdktf.out');
});

/** A fresh folder holding a copy of the default app's cdktf.out. */
function withDefaultOut(): string {
  const dir = tmp();
  fs.cpSync(defaultOut, path.join(dir, 'cdktf.out'), { recursive: true });
  return dir;
}

const writeConfig = (dir: string, config: unknown, name = 'clickpipes.config.json') =>
  fs.writeFileSync(path.join(dir, name), typeof config === 'string' ? config : JSON.stringify(config));

describe('the default app', () => {
  let files: Record<string, string>;
  beforeAll(() => {
    files = tree(defaultOut);
  });

  test('writes one stack per account entry, named by it', () => {
    expect(Object.keys(files).sort()).toEqual([
      'clickpipes-output.json',
      'manifest.json',
      'stacks/analytics/cdk.tf.json',
      'stacks/analytics/clickpipes/events.sql',
      'stacks/analytics/clickpipes/metrics.sql',
      'stacks/analytics/clickpipes/reports.sql',
      'stacks/analytics/clickpipes/sources.json',
      'stacks/analytics/diagram.md',
      'stacks/prod/cdk.tf.json',
      'stacks/prod/clickpipes/catalog.sql',
      'stacks/prod/clickpipes/orders.sql',
      'stacks/prod/clickpipes/payments.sql',
      'stacks/prod/clickpipes/sources.json',
      'stacks/prod/clickpipes/users.sql',
      'stacks/prod/diagram.md',
    ]);
    expect(Object.keys(JSON.parse(files['manifest.json']).stacks)).toEqual(['analytics', 'prod']);
  });

  test('resource and output names carry the source names', () => {
    const prod = JSON.parse(files['stacks/prod/cdk.tf.json']);
    expect(Object.keys(prod.resource.aws_iam_role).sort()).toEqual([
      'catalog_role',
      'clickstream_role',
      'kafka_role',
      'landing_role',
      'orders_role',
      'payments_role',
      'users_role',
    ]);
    expect(Object.keys(prod.resource.aws_iam_role_policy).sort()).toEqual([
      'catalog_rds_db_connect',
      'clickstream_kinesis_read',
      'kafka_msk_read',
      'landing_s3_read',
      'orders_rds_db_connect',
      'payments_rds_db_connect',
      'users_rds_db_connect',
    ]);
    expect(Object.keys(prod.output).sort()).toEqual([
      'catalog_cdc_prerequisites',
      'catalog_database_prerequisites',
      'catalog_db_user_sql',
      'catalog_role_arn',
      'catalog_setup_sql',
      'clickstream_role_arn',
      'kafka_role_arn',
      'landing_role_arn',
      'orders_database_prerequisites',
      'orders_db_address',
      'orders_db_port',
      'orders_db_user_sql',
      'orders_role_arn',
      'orders_setup_sql',
      'payments_cdc_prerequisites',
      'payments_database_prerequisites',
      'payments_db_address',
      'payments_db_port',
      'payments_db_user_sql',
      'payments_role_arn',
      'payments_setup_sql',
      'users_cdc_prerequisites',
      'users_database_prerequisites',
      'users_db_user_sql',
      'users_role_arn',
      'users_setup_sql',
    ]);
    expect(prod.data.aws_db_instance.orders_db_instance.db_instance_identifier).toBe('orders-prod');
    expect(prod.data.aws_rds_cluster.payments_db_cluster.cluster_identifier).toBe('payments-prod');
  });

  test('pins the provider and keeps state in the project folder with a relative path', () => {
    const prod = JSON.parse(files['stacks/prod/cdk.tf.json']);
    expect(prod.terraform.backend).toEqual({ local: { path: '../../../terraform.prod.tfstate' } });
    expect(prod.provider.aws).toEqual([
      {
        region: 'us-east-1',
        allowed_account_ids: ['123456789012'],
        default_tags: [{ tags: { 'managed-by': 'cdktf-clickpipes-aws' } }],
      },
    ]);
    // Issue 10 (item 10): a constraint from the binding's version up to the next major one, not
    // cdktf's exact pin (which was asserted here as /^\d+\.\d+\.\d+$/ before). On cdktn its binding is 6.66.
    expect(prod.terraform.required_providers.aws.version).toBe(TEST_FRAMEWORK === 'cdktf' ? '~> 6.25' : '~> 6.66');
  });

  test('is byte-identical in another directory, with no absolute path or time in it', () => {
    const other = tmp('another-directory-with-a-longer-name-');
    expect(runApp(other).status).toBe(0);
    expect(tree(path.join(other, 'cdktf.out'))).toEqual(files);
    const all = Object.values(files).join('\n');
    expect(all).not.toContain(path.dirname(defaultOut));
    expect(all).not.toContain(os.tmpdir());
    expect(all).not.toMatch(/"\/(tmp|root|home|work|Users)\//);
    expect(all).not.toMatch(/20\d\d-\d\d-\d\dT/);
  });

  test.each(['prod', 'analytics'])('stack %s: every policy passes the IAM catalog check', async (stack) => {
    await expectCatalogValid(files[`stacks/${stack}/cdk.tf.json`], `stack ${stack}`);
  });

  test.each(['prod', 'analytics'])('snapshot of stack %s', (stack) => {
    expect(JSON.parse(files[`stacks/${stack}/cdk.tf.json`])).toMatchSnapshot();
  });
});

describe('where the config comes from', () => {
  const one: ClickPipesConfig = {
    clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
    accounts: [
      {
        name: 'solo',
        accountId: '123456789012',
        region: 'eu-west-1',
        sources: [{ name: 'orders', type: 'rds-mysql', resourceId: 'db-ABCDEFGHIJKLMNOP', schemas: ['orders'] }],
      },
    ],
  };

  test('clickpipes.config.json in the working directory', async () => {
    const dir = tmp();
    writeConfig(dir, one);
    const r = runApp(dir);
    expect(r.stdout).toBe(`Synthesized 1 stack(s) on ${ON} from clickpipes.config.json: solo\n`);
    const stacks = tree(path.join(dir, 'cdktf.out', 'stacks'));
    expect(Object.keys(stacks).sort()).toEqual([
      'solo/cdk.tf.json',
      'solo/clickpipes/orders.sql',
      'solo/clickpipes/sources.json',
      'solo/diagram.md',
    ]);
    await expectCatalogValid(stacks['solo/cdk.tf.json'], 'stack solo');
  });

  test('CLICKPIPES_CONFIG wins over clickpipes.config.json, and the $schema key is accepted', () => {
    const dir = tmp();
    writeConfig(dir, { ...one, accounts: [{ ...one.accounts[0], name: 'ignored' }] });
    writeConfig(dir, { $schema: './schema/clickpipes.config.schema.json', ...one }, 'team.json');
    const r = runApp(dir, { CLICKPIPES_CONFIG: 'team.json' });
    expect(r.stdout).toBe(`Synthesized 1 stack(s) on ${ON} from team.json: solo\n`);
  });
});

describe('bad input', () => {
  /** A folder with a good synth in cdktf.out, and its files. */
  function goodSynth() {
    const dir = withDefaultOut();
    return { dir, before: tree(path.join(dir, 'cdktf.out')) };
  }

  test('a config file that does not exist', () => {
    const { dir, before } = goodSynth();
    const r = runApp(dir, { CLICKPIPES_CONFIG: 'missing.json' });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'Error: missing.json: cannot read the config (no such file); check CLICKPIPES_CONFIG\nNothing was written.\n',
    );
    expect(tree(path.join(dir, 'cdktf.out'))).toEqual(before);
  });

  test('an unknown argument', () => {
    const r = runApp(tmp(), {}, ['--json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --json; usage/);
  });

  test('a failure during synthesis leaves the previous output as it was', () => {
    const { dir, before } = goodSynth();
    // Past the schema (as a library caller could): the construct refuses it mid-synth.
    const config = parseConfig(EXAMPLE_CONFIG);
    const broken = {
      ...config,
      accounts: [config.accounts[0], { ...config.accounts[1], sources: [{ name: 'x', type: 'rds-mysql' as const }] }],
    };
    expect(() => synthesize(broken, { outdir: path.join(dir, 'cdktf.out') })).toThrow(
      /analytics\/x\.database: name the database in exactly one way/,
    );
    expect(tree(path.join(dir, 'cdktf.out'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.cdktf.out'))).toEqual([]);
  });
});

describe('output folder upkeep', () => {
  test('Terraform files survive a synth; a JSON/HCL switch and a removed stack leave nothing stale', () => {
    const outdir = path.join(withDefaultOut(), 'cdktf.out');
    const prod = path.join(outdir, 'stacks', 'prod');
    fs.mkdirSync(path.join(prod, '.terraform'));
    fs.writeFileSync(path.join(prod, '.terraform.lock.hcl'), '# lock');
    const config = parseConfig(EXAMPLE_CONFIG);
    expect(synthesize(config, { outdir, hcl: true })).toEqual(['prod', 'analytics']);
    expect(fs.readdirSync(prod).sort()).toEqual([
      '.terraform',
      '.terraform.lock.hcl',
      'cdk.tf',
      'clickpipes',
      'diagram.md',
      'metadata.json',
    ]);
    // A source removed from the config takes its setup SQL file with it.
    const prodOnly = { ...config.accounts[0], sources: config.accounts[0].sources!.slice(1) };
    expect(synthesize({ ...config, accounts: [prodOnly] }, { outdir, hcl: false })).toEqual(['prod']);
    expect(fs.readdirSync(prod).sort()).toEqual([
      '.terraform',
      '.terraform.lock.hcl',
      'cdk.tf.json',
      'clickpipes',
      'diagram.md',
    ]);
    expect(fs.readdirSync(path.join(prod, 'clickpipes')).sort()).toEqual([
      'catalog.sql',
      'payments.sql',
      'sources.json',
      'users.sql',
    ]);
    expect(fs.readdirSync(path.join(outdir, 'stacks'))).toEqual(['prod']);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });
});

describe('HCL output', () => {
  let hclOut: string;
  beforeAll(() => {
    const dir = tmp();
    expect(runApp(dir, {}, ['--hcl']).status).toBe(0);
    hclOut = path.join(dir, 'cdktf.out');
  });

  test('--hcl writes cdk.tf', () => {
    expect(Object.keys(tree(hclOut)).sort()).toEqual([
      'clickpipes-output.json',
      'manifest.json',
      'stacks/analytics/cdk.tf',
      'stacks/analytics/clickpipes/events.sql',
      'stacks/analytics/clickpipes/metrics.sql',
      'stacks/analytics/clickpipes/reports.sql',
      'stacks/analytics/clickpipes/sources.json',
      'stacks/analytics/diagram.md',
      'stacks/analytics/metadata.json',
      'stacks/prod/cdk.tf',
      'stacks/prod/clickpipes/catalog.sql',
      'stacks/prod/clickpipes/orders.sql',
      'stacks/prod/clickpipes/payments.sql',
      'stacks/prod/clickpipes/sources.json',
      'stacks/prod/clickpipes/users.sql',
      'stacks/prod/diagram.md',
      'stacks/prod/metadata.json',
    ]);
  });

  test.each(['prod', 'analytics'])(
    'stack %s parses as HCL and holds the blocks of the JSON: the same types, names and attributes',
    async (stack) => {
      const json = JSON.parse(fs.readFileSync(path.join(defaultOut, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const hcl = await comparableHcl(fs.readFileSync(path.join(hclOut, 'stacks', stack, 'cdk.tf'), 'utf8'));
      expect(hcl).toEqual(comparableTerraform(json));
      const parsed = hcl as { resource: Record<string, object>; data: Record<string, object> };
      expect(addresses(parsed.resource)).toEqual(addresses(json.resource));
      expect(addresses(parsed.data)).toEqual(addresses(json.data));
    },
  );

  test.each([
    ['every engine and database form', MATRIX_CONFIG],
    ['literal inputs only', LITERAL_CONFIG],
    ['GovCloud', GOV_CONFIG],
  ])("test config %s: each stack's HCL holds the blocks of its JSON", async (_what, config) => {
    const parsed = parseConfig(config);
    const dir = tmp();
    synthesize(parsed, { outdir: path.join(dir, 'json'), hcl: false });
    synthesize(parsed, { outdir: path.join(dir, 'hcl'), hcl: true });
    for (const { name } of parsed.accounts) {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'json', 'stacks', name, 'cdk.tf.json'), 'utf8'));
      await expectCatalogValid(json, `stack ${name}`);
      const hcl = await comparableHcl(fs.readFileSync(path.join(dir, 'hcl', 'stacks', name, 'cdk.tf'), 'utf8'));
      expect(hcl).toEqual(comparableTerraform(json));
    }
  });
});

describe('databases the stack creates (config "create")', () => {
  const stackOf = (config: ClickPipesConfig) => {
    const app = Testing.app();
    const parsed = parseConfig(config);
    return recordSynth(
      Testing.synth(
        new ClickPipesAccountStack(app, {
          clickHouseIamRoleArn: parsed.clickHouseIamRoleArn,
          account: parsed.accounts[0],
        }),
        true,
      ),
    );
  };
  const config = (source: Record<string, unknown>): ClickPipesConfig =>
    ({
      clickHouseIamRoleArn: EXAMPLE_CONFIG.clickHouseIamRoleArn,
      accounts: [
        {
          name: 'a',
          accountId: '123456789012',
          region: 'us-east-1',
          // MySQL and MariaDB sources name what they read (issue 12).
          sources: [{ ...(String(source.type).endsWith('postgres') ? {} : { schemas: ['app'] }), ...source }],
        },
      ],
    }) as ClickPipesConfig;

  test('an RDS PostgreSQL instance for CDC: IAM auth, managed master password, encrypted, private, with the replication parameters', () => {
    const synth = stackOf(
      config({
        name: 'orders',
        type: 'rds-postgres',
        pipeMode: 'cdc',
        create: { engineVersion: '16.4', dbName: 'shop' },
      }),
    );
    expect(synth).toHaveResourceWithProperties(DbInstance, {
      identifier: 'orders',
      engine: 'postgres',
      engine_version: '16.4',
      db_name: 'shop',
      iam_database_authentication_enabled: true,
      manage_master_user_password: true,
      storage_encrypted: true,
      publicly_accessible: false,
      deletion_protection: true,
      backup_retention_period: 7,
      final_snapshot_identifier: 'orders-final',
      parameter_group_name: '${aws_db_parameter_group.orders_replication_parameters.name}',
    });
    expect(synth).toHaveResourceWithProperties(DbParameterGroup, {
      name: 'orders-clickpipes-postgres16',
      family: 'postgres16',
      parameter: [
        { name: 'rds.logical_replication', value: '1', apply_method: 'pending-reboot' },
        { name: 'rds.iam_auth_for_replication', value: '1', apply_method: 'immediate' },
      ],
    });
    expect(synth).toContain(
      '"arn:aws:rds-db:us-east-1:123456789012:dbuser:${aws_db_instance.orders_database.resource_id}/clickpipes_iam_user"',
    );
  });

  test('an Aurora MySQL cluster with its writer, for initial load: no parameter group', () => {
    const synth = stackOf(
      config({
        name: 'users',
        type: 'aurora-mysql',
        create: { instanceClass: 'db.r6g.large', deletionProtection: false },
      }),
    );
    expect(synth).toHaveResourceWithProperties(RdsCluster, {
      cluster_identifier: 'users',
      engine: 'aurora-mysql',
      engine_version: '8.0.mysql_aurora.3.08.0',
      iam_database_authentication_enabled: true,
      manage_master_user_password: true,
      deletion_protection: false,
    });
    expect(synth).toHaveResourceWithProperties(RdsClusterInstance, {
      identifier: 'users-writer',
      cluster_identifier: '${aws_rds_cluster.users_database.id}',
      instance_class: 'db.r6g.large',
    });
    expect(synth).not.toHaveResource(DbParameterGroup);
    expect(synth).toContain('dbuser:${aws_rds_cluster.users_database.cluster_resource_id}/clickpipes_iam_user');
  });

  const matrix = RDS_ENGINES.flatMap((engine) => PIPE_MODES.map((mode) => [engine, mode] as const));
  test.each(matrix)(
    '%s, pipe mode %s: the database with IAM auth on, its parameters only for CDC, the grant on its resource ID',
    (engine, mode) => {
      const info = ENGINES[engine];
      const synth = stackOf(config({ name: 'src', type: engine, pipeMode: mode, create: {} }));
      const json = JSON.parse(synth);
      const dbType = info.kind === 'instance' ? 'aws_db_instance' : 'aws_rds_cluster';
      expect(json.resource[dbType].src_database).toMatchObject({
        engine: info.terraformEngine,
        engine_version: info.defaultVersion,
        iam_database_authentication_enabled: true,
        manage_master_user_password: true,
        storage_encrypted: true,
      });
      const groupType = info.kind === 'instance' ? 'aws_db_parameter_group' : 'aws_rds_cluster_parameter_group';
      if (mode === 'cdc') {
        expect(json.resource[groupType].src_replication_parameters).toMatchObject({
          family: info.family(info.defaultVersion),
          parameter: info.cdcParameters.map((p) => ({ name: p.name, value: p.value, apply_method: p.applyMethod })),
        });
      } else {
        expect(json.resource[groupType]).toBeUndefined();
      }
      if (info.kind === 'cluster')
        expect(json.resource.aws_rds_cluster_instance.src_database_writer.cluster_identifier).toBe(
          '${aws_rds_cluster.src_database.id}',
        );
      const attribute = info.kind === 'instance' ? 'resource_id' : 'cluster_resource_id';
      expect(synth).toContain(
        `"arn:aws:rds-db:us-east-1:123456789012:dbuser:\${${dbType}.src_database.${attribute}}/clickpipes_iam_user"`,
      );
    },
  );

  test('createManagedDatabase refuses an identifier that RDS would refuse at apply time', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    expect(() => createManagedDatabase(stack, 'orders', 'rds-mysql', { identifier: 'Orders_DB' })).toThrow(
      /^s\/orders_database\.identifier: "Orders_DB" is not a valid RDS identifier; use 1 to 63 lowercase letters/,
    );
  });

  test('an Aurora PostgreSQL cluster for CDC gets a cluster parameter group', () => {
    const synth = stackOf(
      config({ name: 'pay', type: 'aurora-postgres', pipeMode: 'cdc', create: { engineVersion: '15.8' } }),
    );
    expect(JSON.parse(synth).resource.aws_rds_cluster_parameter_group.pay_replication_parameters).toMatchObject({
      family: 'aurora-postgresql15',
    });
    expect(synth).toHaveResourceWithProperties(RdsCluster, {
      db_cluster_parameter_group_name: '${aws_rds_cluster_parameter_group.pay_replication_parameters.name}',
    });
  });
});
