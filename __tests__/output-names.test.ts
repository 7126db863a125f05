import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ClickPipesKinesisAccess, ClickPipesMskAccess, ClickPipesRdsIamAccess, ClickPipesS3Access } from '../lib';
import { CLICKHOUSE_ROLE, recordSynth } from './helpers';

// Output names in a user's own stack: cdktf's path-and-hash names by default, `<outputPrefix>_<output>`
// when the construct is given a prefix (see the README, "Names in your own stacks").

const MSK = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';

/** The output names of a plain cdktf stack `data` built by `build`. */
function outputNames(build: (stack: TerraformStack) => void): string[] {
  const stack = new TerraformStack(Testing.app(), 'data');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return Object.keys((JSON.parse(recordSynth(Testing.synth(stack))) as { output: object }).output).sort();
}

const all = (stack: TerraformStack, prefix?: (id: string) => string | undefined) => {
  const p = (id: string) => (prefix ? { outputPrefix: prefix(id) } : {});
  new ClickPipesRdsIamAccess(stack, 'orders', {
    clickHouseIamRoleArn: CLICKHOUSE_ROLE,
    engine: 'aurora-postgres',
    dbClusterIdentifier: 'orders-prod',
    pipeMode: 'cdc',
    iamAuthForReplication: true,
    ...p('orders'),
  });
  new ClickPipesKinesisAccess(stack, 'clicks', {
    clickHouseIamRoleArn: CLICKHOUSE_ROLE,
    streams: ['c'],
    ...p('clicks'),
  });
  new ClickPipesS3Access(stack, 'landing', {
    clickHouseIamRoleArn: CLICKHOUSE_ROLE,
    buckets: ['acme-landing'],
    ...p('landing'),
  });
  new ClickPipesMskAccess(stack, 'kafka', { clickHouseIamRoleArn: CLICKHOUSE_ROLE, clusterArn: MSK, ...p('kafka') });
};

test('by default, each output is named after its construct path and a hash', () => {
  const names = outputNames((stack) => all(stack));
  expect(names.length).toBe(10);
  for (const name of names) expect(name).toMatch(/^(orders|clicks|landing|kafka)_[a-z_]+_[0-9A-F]{8}$/);
  expect(names).toContain('orders_role_arn_2D69302A');
});

test('outputPrefix names every output <prefix>_<output>, as the app names them', () => {
  expect(outputNames((stack) => all(stack, (id) => id))).toEqual(
    [
      'orders_role_arn',
      'orders_db_user_sql',
      'orders_setup_sql',
      'orders_cdc_prerequisites',
      'orders_database_prerequisites',
      'orders_db_address',
      'orders_db_port',
      'clicks_role_arn',
      'landing_role_arn',
      'kafka_role_arn',
    ].sort(),
  );
  // A prefix of your own, independent of the construct id.
  expect(outputNames((stack) => all(stack, (id) => (id === 'orders' ? 'pg_main' : undefined)))).toContain(
    'pg_main_role_arn',
  );
});

test('a prefix that cannot start a Terraform name is refused with the construct path', () => {
  for (const bad of ['', '1orders', 'orders.prod', 'orders prod']) {
    expect(() =>
      outputNames(
        (stack) =>
          new ClickPipesKinesisAccess(stack, 'clicks', {
            clickHouseIamRoleArn: CLICKHOUSE_ROLE,
            streams: ['c'],
            outputPrefix: bad,
          }),
      ),
    ).toThrow(
      `data/clicks.outputPrefix: ${JSON.stringify(bad)} cannot start a Terraform output name; expected a letter or _ then letters, digits, _ or - (e.g. "orders")`,
    );
  }
});
