import { ClickPipesConfig } from './config';

/**
 * The config the app uses when there is no `clickpipes.config.json` and no `CLICKPIPES_CONFIG`:
 * fake account IDs, one source of every engine and every way to name a database, and one
 * Kinesis, S3 and MSK source.
 */
export const EXAMPLE_CONFIG: ClickPipesConfig = {
  clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
  accounts: [
    {
      name: 'prod',
      accountId: '123456789012',
      region: 'us-east-1',
      sources: [
        {
          name: 'orders',
          type: 'rds-postgres',
          dbInstanceIdentifier: 'orders-prod',
          schemas: ['public', 'sales'],
          networkAccess: { clickHouseRegion: 'us-east-1', securityGroupIds: ['sg-0123456789abcdef0'] },
        },
        {
          name: 'users',
          type: 'aurora-mysql',
          resourceId: 'cluster-ABCDEFGHIJKLMNOP',
          pipeMode: 'cdc',
          dbUser: 'cp_users',
          schemas: ['users'],
        },
        {
          name: 'payments',
          type: 'aurora-postgres',
          dbClusterIdentifier: 'payments-prod',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
        },
        {
          name: 'catalog',
          type: 'rds-mysql',
          resourceId: 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ',
          pipeMode: 'cdc',
          schemas: ['catalog'],
        },
        {
          name: 'clickstream',
          type: 'kinesis',
          streams: ['clickstream', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders-events'],
        },
        {
          name: 'landing',
          type: 's3',
          buckets: ['acme-landing-prod'],
          prefix: 'exports/',
          sqsQueueArn: 'arn:aws:sqs:us-east-1:123456789012:acme-landing-events',
        },
        {
          name: 'kafka',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5',
          topics: ['orders', 'payments.*'],
        },
      ],
    },
    {
      name: 'analytics',
      accountId: '210987654321',
      region: 'eu-west-1',
      sources: [
        {
          name: 'events',
          type: 'rds-mariadb',
          create: { engineVersion: '10.11' },
          pipeMode: 'cdc',
          schemas: ['events'],
        },
        { name: 'metrics', type: 'rds-postgres', create: { engineVersion: '16' }, pipeMode: 'cdc' },
        { name: 'reports', type: 'aurora-postgres', create: {} },
      ],
    },
  ],
};
