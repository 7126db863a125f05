import { EXAMPLE_CONFIG, configJsonSchema, parseConfig } from '../lib';
import * as fs from 'fs';
import * as path from 'path';
import { schemaText } from '../scripts/write-schema';
import { inputProblems } from './helpers';
import { BAD_CONFIG_ROWS, BOUNDARY_CONFIG_ROWS, Config, src, valid } from './verify/bad-configs';

function problemsOf(mutate: (c: Config) => void): string[] {
  const config = valid() as Config;
  mutate(config);
  return inputProblems(() => parseConfig(config, 'clickpipes.config.json'));
}

test('the valid config and the embedded example parse', () => {
  expect(parseConfig(valid())).toMatchObject({ accounts: [{ name: 'prod' }] });
  expect(
    parseConfig(EXAMPLE_CONFIG)
      .accounts.flatMap((a) => a.sources!.map((s) => s.type))
      .sort(),
  ).toEqual([
    'aurora-mysql',
    'aurora-postgres',
    'aurora-postgres',
    'kinesis',
    'msk',
    'rds-mariadb',
    'rds-mysql',
    'rds-postgres',
    'rds-postgres',
    's3',
  ]);
});

test.each(BAD_CONFIG_ROWS)('bad input: %s', (_what, mutate, where, expected) => {
  const problems = problemsOf(mutate);
  const line = problems.find((p) => p.startsWith(`clickpipes.config.json: ${where}: `));
  if (!line) throw new Error(`no problem reported at ${where}; got:\n${problems.join('\n')}`);
  expect(line).toMatch(expected);
});

test.each(BOUNDARY_CONFIG_ROWS)('accepted at the boundary: %s', (_what, mutate) => {
  expect(problemsOf(mutate)).toEqual([]);
});

test('every problem of a config is reported at once, each with its path', () => {
  const problems = problemsOf((c) => {
    c.accounts[0].accountId = 'x';
    c.accounts[0].region = 'mars-1';
    src(c).dbUser = 'a*';
  });
  expect(problems.map((p) => p.split(': ')[1])).toEqual([
    'accounts[0].accountId',
    'accounts[0].region',
    'accounts[0].sources[0].dbUser',
  ]);
});

test('the published JSON Schema is the one the config schema generates', () => {
  expect(fs.readFileSync(path.join(__dirname, '..', 'schema', 'clickpipes.config.schema.json'), 'utf8')).toBe(
    schemaText(),
  );
  const schema = configJsonSchema() as {
    properties: {
      accounts: {
        items: {
          properties: { sources: { items: { oneOf: { properties: Record<string, Record<string, unknown>> }[] } } };
        };
      };
    };
  };
  const types = Object.fromEntries(
    schema.properties.accounts.items.properties.sources.items.oneOf.map(({ properties }) => [
      JSON.stringify(properties.type.const ?? properties.type.enum),
      Object.keys(properties),
    ]),
  );
  // What every source can set for itself, over its account entry and the top level.
  const inherited = ['clickHouseIamRoleArn', 'clickHouseService', 'tags'];
  expect(types).toEqual({
    '["rds-postgres","aurora-postgres","rds-mysql","aurora-mysql","rds-mariadb"]': [
      'name',
      'type',
      'dbInstanceIdentifier',
      'dbClusterIdentifier',
      'resourceId',
      'create',
      'dbUser',
      'pipeMode',
      'iamAuthForReplication',
      'engineVersion',
      'roleName',
      ...inherited,
      'schemas',
      'tables',
      'publication',
      'binlogRetentionHours',
      'networkAccess',
    ],
    '"kinesis"': ['name', 'type', 'streams', 'roleName', 'kmsKeyArns', ...inherited],
    '"s3"': ['name', 'type', 'buckets', 'prefix', 'sqsQueueArn', 'kmsKeyArns', 'roleName', ...inherited],
    '"msk"': ['name', 'type', 'clusterArn', 'topics', 'consumerGroups', 'roleName', ...inherited],
  });
});

test('the example config file is the embedded example', () => {
  const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', 'clickpipes.config.json'), 'utf8'));
  expect(file.$schema).toBe('../schema/clickpipes.config.schema.json');
  const { $schema: _schema, ...config } = file;
  expect(parseConfig(config)).toEqual(parseConfig(EXAMPLE_CONFIG));
});
