/**
 * Fuzzing with fast-check: random valid configs always synthesize, and every stack passes the
 * IAM catalog check and the simulation; random mutations of valid configs either synthesize
 * (and pass the same checks) or fail with a ClickPipesInputError whose every line names a
 * field, never with anything else.
 *
 * The seed is fixed so that a run is repeatable; set FUZZ_SEED to explore others (a failure
 * prints the seed and the path to replay it). The run counts fit the suite's time budget.
 */
import * as fc from 'fast-check';
import { ClickPipesInputError, parseConfig } from '../lib';
import { count } from './verify/counts';
import { verifyConfig } from './verify/configs';
import { RawConfig } from './verify/simulation';

const SEED = process.env.FUZZ_SEED === undefined ? 20_260_301 : Number(process.env.FUZZ_SEED);
const VALID_RUNS = 30;
const MUTATION_RUNS = 150;

const ENGINES = ['rds-postgres', 'aurora-postgres', 'rds-mysql', 'aurora-mysql', 'rds-mariadb'] as const;
const REGIONS: Record<string, string[]> = {
  aws: ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-2', 'sa-east-1', 'me-central-1'],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-west-1', 'us-gov-east-1'],
};

const digits12 = fc.stringMatching(/^\d{12}$/);
/** Names that are also valid RDS identifiers once in lower case (a source with "create" derives one). */
const sourceName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}(-[A-Za-z0-9]{1,6}){0,2}$/);
const rdsIdentifier = fc.stringMatching(/^[a-z][a-z0-9]{0,20}(-[a-z0-9]{1,8}){0,2}$/);
const roleName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,64}$/);

/** One valid RDS/Aurora source of a random engine, database form, pipe mode, DB user and role name. */
const rdsSource = fc
  .record({
    name: sourceName,
    type: fc.constantFrom(...ENGINES),
    form: fc.constantFrom('resourceId', 'identifier', 'create'),
    id: fc.stringMatching(/^[A-Z0-9]{16,26}$/),
    identifier: rdsIdentifier,
    cdc: fc.boolean(),
    dbUser: fc.option(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,30}$/), { nil: undefined }),
    roleName: fc.option(roleName, { nil: undefined }),
    create: fc.record(
      {
        instanceClass: fc.constantFrom('db.t4g.micro', 'db.r6g.large'),
        backupRetentionPeriod: fc.integer({ min: 1, max: 35 }),
        deletionProtection: fc.boolean(),
        dbName: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/),
      },
      { requiredKeys: [] },
    ),
  })
  .map((s) => {
    const cluster = s.type.startsWith('aurora-');
    const postgres = s.type.endsWith('postgres');
    const out: Record<string, unknown> = { name: s.name, type: s.type };
    if (s.form === 'resourceId') out.resourceId = `${cluster ? 'cluster' : 'db'}-${s.id}`;
    if (s.form === 'identifier') out[cluster ? 'dbClusterIdentifier' : 'dbInstanceIdentifier'] = s.identifier;
    if (s.form === 'create') out.create = s.create;
    if (s.cdc) {
      out.pipeMode = 'cdc';
      if (postgres && s.form !== 'create') out.iamAuthForReplication = true;
    }
    // The user name rules: the engine's length, no "pg_" on PostgreSQL, no "rds" anywhere.
    if (s.dbUser && s.dbUser.length <= (postgres ? 63 : 32) && !/^(pg_|rds)/i.test(s.dbUser)) out.dbUser = s.dbUser;
    if (s.roleName) out.roleName = s.roleName;
    // MySQL and MariaDB sources name what they read (issue 12).
    if (!postgres) out.schemas = ['app'];
    return out as Source;
  });

type Source = RawConfig['accounts'][number]['sources'][number];
/** The account entry a source is placed in: its ARNs name the entry's partition, region and account. */
interface Place {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

const kafkaName = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}(\*)?$/);

/** A valid Kinesis, S3 or MSK source; its ARNs are made once its account entry is known. */
const otherSource: fc.Arbitrary<(place: Place) => Source> = fc.oneof(
  fc
    .record({
      name: sourceName,
      streams: fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_.-]{1,30}$/), { minLength: 1, maxLength: 3 }),
      asArn: fc.boolean(),
      roleSuffix: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/), { nil: undefined }),
    })
    .map((k) => (p: Place): Source => ({
      name: k.name,
      type: 'kinesis',
      streams: k.streams.map((s, i) =>
        k.asArn && i === 0 ? `arn:${p.partition}:kinesis:${p.region}:${p.accountId}:stream/${s}` : s,
      ),
      ...(k.roleSuffix ? { roleName: `ClickHouseAccessRole-${k.roleSuffix}` } : {}),
    })),
  fc
    .record({
      name: sourceName,
      buckets: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{2,20}(-[a-z0-9]{1,8})?$/), {
        minLength: 1,
        maxLength: 2,
      }),
      prefix: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}\/([a-z0-9]{1,8}\/)?$/), { nil: undefined }),
      queue: fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), { nil: undefined }),
    })
    .map((b) => (p: Place): Source => ({
      name: b.name,
      type: 's3',
      buckets: b.buckets,
      ...(b.prefix ? { prefix: b.prefix } : {}),
      ...(b.queue ? { sqsQueueArn: `arn:${p.partition}:sqs:${p.region}:${p.accountId}:${b.queue}` } : {}),
    })),
  fc
    .record({
      name: sourceName,
      cluster: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,20}$/),
      uuid: fc.uuid(),
      topics: fc.option(fc.uniqueArray(kafkaName, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      groups: fc.option(fc.uniqueArray(kafkaName, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    })
    .map((k) => (p: Place): Source => ({
      name: k.name,
      type: 'msk',
      clusterArn: `arn:${p.partition}:kafka:${p.region}:${p.accountId}:cluster/${k.cluster}/${k.uuid}-3`,
      ...(k.topics ? { topics: k.topics } : {}),
      ...(k.groups ? { consumerGroups: k.groups } : {}),
    })),
);

/** Any valid source: RDS/Aurora twice as often as the others. */
const source: fc.Arbitrary<(place: Place) => Source> = fc.oneof(
  { arbitrary: rdsSource.map((s) => () => s), weight: 2 },
  { arbitrary: otherSource, weight: 1 },
);

/** A valid config: names unique where they must be, each role name once per AWS account, regions in the ClickHouse role's partition. */
const validConfig: fc.Arbitrary<RawConfig> = fc
  .record({
    partition: fc.constantFrom('aws', 'aws', 'aws', 'aws-cn', 'aws-us-gov'),
    chAccount: digits12,
    chRole: fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,40}$/),
    accounts: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/),
        accountId: digits12,
        region: fc.nat(),
        sources: fc.array(source, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: 1, maxLength: 2, selector: (a) => a.name.toLowerCase() },
    ),
  })
  .map(({ partition, chAccount, chRole, accounts }) => ({
    clickHouseIamRoleArn: `arn:${partition}:iam::${chAccount}:role/${chRole}`,
    accounts: accounts.map((a) => {
      const region = REGIONS[partition][a.region % REGIONS[partition].length];
      return { ...a, region, sources: a.sources.map((make) => make({ partition, region, accountId: a.accountId })) };
    }),
  }))
  .filter((config) => {
    // Source names unique within an account entry (ignoring case).
    for (const a of config.accounts) {
      if (new Set(a.sources.map((s) => s.name.toLowerCase())).size !== a.sources.length) return false;
    }
    const roles = config.accounts.flatMap((a) =>
      a.sources.map(
        (s) => `${a.accountId}/${((s.roleName as string) ?? `ClickHouseAccessRole-${s.name}`).toLowerCase()}`,
      ),
    );
    return new Set(roles).size === roles.length;
  });

/** Synthesizes, checks against the IAM catalog and simulates; throws on any wrong outcome. */
async function expectVerified(config: RawConfig): Promise<void> {
  const wrong = (await verifyConfig(config)).flatMap((v) => v.wrong.map((w) => `${v.stack}/${v.source}: ${w}`));
  if (wrong.length) throw new Error(`wrong simulation outcomes:\n${wrong.join('\n')}`);
}

test(`random valid configs synthesize and pass the catalog check and the simulation (seed ${SEED}, ${VALID_RUNS} runs)`, async () => {
  await fc.assert(
    fc.asyncProperty(validConfig, async (config) => {
      count('fuzz runs');
      parseConfig(config, 'fuzz.json');
      await expectVerified(config);
    }),
    { seed: SEED, numRuns: VALID_RUNS },
  );
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value: [] for the value itself, then each key or index below it. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const below =
    value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, Array.isArray(value) ? Number(k) : k]))
      : [];
  return [prefix, ...below];
}

/** A change to the value at a path: drop it, replace it, or add a key beside it. */
const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'replace', 'replace-string', 'add-key', 'empty'),
  value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', '*', 'db-*', 'rds_x', '-', 'A'.repeat(70))),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('roleName', 'create', 'dbUser', 'resourceId', 'type')),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(config: Json, m: Mutation): Json {
  const copy = structuredClone(config);
  const all = paths(copy);
  const path = all[m.at % all.length];
  if (path.length === 0) return m.kind === 'replace' ? m.value : copy;
  const parent = path.slice(0, -1).reduce<Json>((v, k) => (v as Record<string, Json>)[k], copy) as Record<string, Json>;
  const key = path[path.length - 1];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'replace':
      parent[key] = m.value;
      break;
    case 'replace-string':
      parent[key] = m.text;
      break;
    case 'add-key':
      if (!Array.isArray(parent)) parent[m.key] = m.value;
      break;
    case 'empty':
      parent[key] = Array.isArray(parent[key]) ? [] : {};
      break;
  }
  return copy;
}

/** A problem line that names a field: a config path (`accounts[0].region`), or a construct path and prop. */
const KEY = String.raw`(?:[A-Za-z_$][\w$]*|\["(?:[^"\\]|\\.)*"\])`;
const NAMED_FIELD = new RegExp(
  String.raw`^fuzz\.json: (\(top level\)|${KEY}(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): \S`,
);
const NAMED_PROP = /^[\w/-]+\.[A-Za-z]+: \S/;

test(`random mutations of valid configs synthesize or fail naming a field, never crash (seed ${SEED}, ${MUTATION_RUNS} runs)`, async () => {
  let synthesized = 0;
  await fc.assert(
    fc.asyncProperty(validConfig, mutation, async (config, m) => {
      count('fuzz runs');
      const mutated = mutate(config as unknown as Json, m);
      try {
        parseConfig(mutated, 'fuzz.json');
      } catch (e) {
        if (!ClickPipesInputError.isInputError(e)) throw e;
        for (const line of e.problems) expect(line).toMatch(NAMED_FIELD);
        return;
      }
      try {
        await expectVerified(mutated as unknown as RawConfig);
        synthesized++;
      } catch (e) {
        if (!ClickPipesInputError.isInputError(e)) throw e;
        for (const line of e.problems) expect(line).toMatch(NAMED_PROP);
      }
    }),
    { seed: SEED, numRuns: MUTATION_RUNS },
  );
  // Some mutations keep the config valid (a changed name, a dropped optional field): those went the whole way.
  expect(synthesized).toBeGreaterThan(0);
});
