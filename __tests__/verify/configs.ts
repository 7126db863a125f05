/**
 * Test configs, and the check of a whole config: synthesize each account's stack, check every
 * policy against the IAM catalog, and simulate every source's requests.
 */
import { Testing } from 'cdktf';
import { ClickPipesAccountStack, parseConfig } from '../../lib';
import { expectCatalogValid } from './catalog';
import { StackPolicyResolver } from './policies';
import { RawConfig, SourceFacts, rolesOfStack, simulateAccount } from './simulation';

export const CLICKHOUSE_ROLE = 'arn:aws:iam::111122223333:role/CH-S3-example-Role';

const ENGINES = ['rds-postgres', 'aurora-postgres', 'rds-mysql', 'aurora-mysql', 'rds-mariadb'] as const;
const isCluster = (engine: string) => engine.startsWith('aurora-');

/** A literal resource ID of the engine's kind: `db-…` or `cluster-…`. */
const resourceIdOf = (engine: string, n: number) =>
  isCluster(engine)
    ? `cluster-${'ABCDEFGHIJKLMNOPQRSTU'.slice(n, n + 16)}`
    : `db-${'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123'.slice(n, n + 26)}`;

type Source = SourceFacts['source'];

/** What a MySQL or MariaDB source reads (required there: issue 12); nothing for PostgreSQL (default public). */
const readsOf = (engine: string) => (engine.endsWith('postgres') ? {} : { schemas: ['app'] });

/** Every engine with every way to name its database, in both pipe modes, custom user and role names; Kinesis, S3 and MSK sources. */
export const MATRIX_CONFIG: RawConfig = {
  clickHouseIamRoleArn: CLICKHOUSE_ROLE,
  accounts: [
    {
      name: 'matrix',
      accountId: '123456789012',
      region: 'us-east-1',
      sources: ENGINES.flatMap((engine, e): Source[] => {
        const postgres = engine.endsWith('postgres');
        const cdc = (n: number) => (n % 2 === 0 ? { pipeMode: 'cdc' } : {});
        const stated = (n: number) => (postgres && n % 2 === 0 ? { iamAuthForReplication: true } : {});
        return [
          {
            name: `${engine}-rid`,
            type: engine,
            resourceId: resourceIdOf(engine, e),
            ...cdc(e),
            ...stated(e),
            ...readsOf(engine),
          },
          {
            name: `${engine}-lookup`,
            type: engine,
            [isCluster(engine) ? 'dbClusterIdentifier' : 'dbInstanceIdentifier']: `${engine}-prod`,
            ...cdc(e + 1),
            ...stated(e + 1),
            ...readsOf(engine),
          },
          { name: `${engine}-new`, type: engine, create: {}, ...cdc(e), ...readsOf(engine) },
        ];
      }),
    },
    {
      name: 'custom',
      accountId: '210987654321',
      region: 'eu-central-2',
      sources: [
        {
          name: 'reports',
          type: 'rds-postgres',
          resourceId: resourceIdOf('rds-postgres', 3),
          dbUser: 'Reporting_User',
          roleName: 'clickpipes-reports',
        },
        {
          name: 'ledger',
          type: 'aurora-mysql',
          resourceId: resourceIdOf('aurora-mysql', 4),
          dbUser: 'l',
          tables: [{ schema: 'ledger', name: 'entries' }],
        },
        // RDS Multi-AZ DB clusters (not Aurora): looked up by cluster identifier, granted on the cluster resource ID.
        {
          name: 'orders-maz',
          type: 'rds-postgres',
          dbClusterIdentifier: 'orders-maz',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
        },
        { name: 'shop-maz', type: 'rds-mysql', dbClusterIdentifier: 'shop-maz', ...readsOf('rds-mysql') },
      ],
    },
    {
      name: 'streams',
      accountId: '345678901234',
      region: 'eu-west-1',
      sources: [
        {
          name: 'events',
          type: 'kinesis',
          streams: ['events', 'arn:aws:kinesis:eu-west-1:345678901234:stream/audit'],
          roleName: 'ClickHouseAccessRole-events-reader',
          kmsKeyArns: ['arn:aws:kms:eu-west-1:345678901234:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        },
        { name: 'raw', type: 's3', buckets: ['acme-raw', 'acme-raw-archive'] },
        {
          name: 'ingest',
          type: 's3',
          buckets: ['acme-ingest'],
          prefix: 'clickpipes/',
          sqsQueueArn: 'arn:aws:sqs:eu-west-1:345678901234:ingest-events',
          kmsKeyArns: ['arn:aws:kms:eu-west-1:345678901234:key/mrk-1234abcd12ab34cd56ef1234567890ab'],
        },
        {
          name: 'kafka',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:eu-west-1:345678901234:cluster/events/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab-2',
          consumerGroups: ['clickpipes'],
        },
      ],
    },
  ],
};

/** The GovCloud partition: ClickHouse's role and the database both in aws-us-gov. */
export const GOV_CONFIG: RawConfig = {
  clickHouseIamRoleArn: 'arn:aws-us-gov:iam::111122223333:role/CH-S3-gov-Role',
  accounts: [
    {
      name: 'gov',
      accountId: '123456789012',
      region: 'us-gov-west-1',
      sources: [
        {
          name: 'orders',
          type: 'rds-mysql',
          resourceId: resourceIdOf('rds-mysql', 2),
          pipeMode: 'cdc',
          ...readsOf('rds-mysql'),
        },
      ],
    },
  ],
};

/**
 * Only literal inputs (resource IDs, stream names, ARNs, account, region): what `terraform plan` can
 * run offline. Two accounts, every engine, and one source of each other type.
 */
export const LITERAL_CONFIG: RawConfig = {
  clickHouseIamRoleArn: CLICKHOUSE_ROLE,
  accounts: [
    {
      name: 'literal-us',
      accountId: '123456789012',
      region: 'us-east-1',
      sources: [
        ...ENGINES.slice(0, 3).map((engine, e) => ({
          name: engine,
          type: engine,
          resourceId: resourceIdOf(engine, e),
          ...(engine === 'rds-mysql' ? { pipeMode: 'cdc' } : {}),
          ...readsOf(engine),
        })),
        // An RDS Multi-AZ DB cluster named by its cluster resource ID.
        {
          name: 'rds-mysql-maz',
          type: 'rds-mysql',
          resourceId: 'cluster-MULTIAZ0123456789AB',
          ...readsOf('rds-mysql'),
        },
      ],
    },
    {
      name: 'literal-eu',
      accountId: '210987654321',
      region: 'eu-west-1',
      sources: [
        ...ENGINES.slice(3).map((engine, e) => ({
          name: engine,
          type: engine,
          resourceId: resourceIdOf(engine, e + 5),
          dbUser: 'cp_reader',
          ...readsOf(engine),
        })),
        {
          name: 'clicks',
          type: 'kinesis',
          streams: ['clicks'],
          kmsKeyArns: ['arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
        },
        { name: 'landing', type: 's3', buckets: ['acme-landing'], prefix: 'in/' },
        {
          name: 'orders-kafka',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:eu-west-1:210987654321:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5',
          topics: ['orders'],
        },
      ],
    },
  ],
};

/** The Terraform JSON of each account entry's stack, synthesized in memory (with cdktf's validations). */
export function synthAccounts(config: RawConfig): string[] {
  const parsed = parseConfig(config);
  return parsed.accounts.map((account) =>
    Testing.synth(
      new ClickPipesAccountStack(Testing.app(), { clickHouseIamRoleArn: parsed.clickHouseIamRoleArn, account }),
      true,
    ),
  );
}

/** What {@link verifyConfig} found for one source. */
export interface SourceVerdict {
  readonly stack: string;
  readonly source: string;
  /** The simulated requests whose outcome was wrong. */
  readonly wrong: readonly string[];
  readonly requests: number;
}

/**
 * Synthesizes every stack of `config`, checks its policies against the IAM catalog (throws on a
 * problem) and simulates every source's requests.
 */
export async function verifyConfig(config: RawConfig, stacks = synthAccounts(config)): Promise<SourceVerdict[]> {
  const verdicts: SourceVerdict[] = [];
  for (const [i, synth] of stacks.entries()) {
    const stack = config.accounts[i].name;
    await expectCatalogValid(synth, `stack ${stack}`);
    const resolver = new StackPolicyResolver(JSON.parse(synth));
    const valueOf = (reference: string) => {
      const value = resolver.valueOf(reference);
      if (value === undefined) throw new Error(`stack ${stack}: no value for ${reference}`);
      return value;
    };
    for (const verdict of await simulateAccount(config, i, rolesOfStack(resolver.policies()), valueOf)) {
      verdicts.push({ stack, ...verdict });
    }
  }
  return verdicts;
}
