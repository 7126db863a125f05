/**
 * What the Kinesis, S3 and MSK sources of the default app grant, action by action, with the IAM
 * catalog resource type each resource matches: the README's table, checked against the catalog.
 */
import { EXAMPLE_CONFIG, S3_OBJECT_ACTIONS, buildApp, parseConfig } from '../lib';
import { Testing } from 'cdktf';
import { recordSynth } from './helpers';
import { catalogActionNames, matchedResourceTypes } from './verify/catalog';
import { stackPolicies } from './verify/policies';
import { KINESIS_GUIDE_CONSUMER_ACTIONS, KINESIS_GUIDE_STREAM_ACTIONS } from './verify/simulation';

/** `action on resource → resource types` for every Allow of the inline policy of `source`. */
async function grants(stack: string, source: string): Promise<string[]> {
  const [policy] = stackPolicies(stack).filter(
    (p) => p.kind === 'identity' && p.role?.name === `ClickHouseAccessRole-${source}`,
  );
  const rows: string[] = [];
  for (const statement of policy.policy.Statement) {
    for (const action of [statement.Action].flat() as string[]) {
      for (const resource of [statement.Resource].flat() as string[]) {
        rows.push(
          `${action} on ${resource} → ${(await matchedResourceTypes(action, resource)).join(', ') || 'NOTHING'}`,
        );
      }
    }
  }
  return rows;
}

let prod: string;
beforeAll(() => {
  const app = Testing.app();
  buildApp(parseConfig(EXAMPLE_CONFIG), app);
  prod = recordSynth(Testing.synth(app.node.findChild('prod') as never));
});

const KINESIS = 'arn:aws:kinesis:us-east-1:123456789012:stream';

test('Kinesis: stream actions on the streams, consumer actions on their consumers, ListStreams on *', async () => {
  const streams = ['clickstream', 'orders-events'];
  expect(await grants(prod, 'clickstream')).toEqual([
    ...KINESIS_GUIDE_STREAM_ACTIONS.flatMap((a) => streams.map((s) => `kinesis:${a} on ${KINESIS}/${s} → stream`)),
    ...KINESIS_GUIDE_CONSUMER_ACTIONS.flatMap((a) =>
      streams.map((s) => `kinesis:${a} on ${KINESIS}/${s}/consumer/* → consumer`),
    ),
    'kinesis:ListStreams on * → *',
  ]);
});

test('S3: bucket actions on the bucket, object actions under the prefix, SQS on the queue and ListQueues on *', async () => {
  const queue = 'arn:aws:sqs:us-east-1:123456789012:acme-landing-events';
  expect(await grants(prod, 'landing')).toEqual([
    's3:GetBucketLocation on arn:aws:s3:::acme-landing-prod → bucket',
    's3:ListBucket on arn:aws:s3:::acme-landing-prod → bucket',
    ...S3_OBJECT_ACTIONS.map((a) => `${a} on arn:aws:s3:::acme-landing-prod/exports/* → object`),
    `sqs:ReceiveMessage on ${queue} → queue`,
    `sqs:DeleteMessage on ${queue} → queue`,
    `sqs:GetQueueAttributes on ${queue} → queue`,
    'sqs:ListQueues on * → *',
  ]);
});

test("S3: the object actions are exactly those of the guide's s3:Get* and s3:List* that apply to objects", async () => {
  const guide = [...(await catalogActionNames('s3:Get*')), ...(await catalogActionNames('s3:List*'))];
  const onObjects = guide.filter((a) => a.resourceTypes.includes('object')).map((a) => a.name);
  expect([...S3_OBJECT_ACTIONS].sort()).toEqual(onObjects.sort());
});

test('MSK: Connect on the cluster, topic actions on the topics, group actions on the groups, all of this cluster', async () => {
  const id = 'orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';
  const arn = (kind: string) => `arn:aws:kafka:us-east-1:123456789012:${kind}/${id}`;
  expect(await grants(prod, 'kafka')).toEqual([
    `kafka-cluster:Connect on ${arn('cluster')} → cluster`,
    `kafka-cluster:DescribeTopic on ${arn('topic')}/orders → topic`,
    `kafka-cluster:DescribeTopic on ${arn('topic')}/payments.* → topic`,
    `kafka-cluster:ReadData on ${arn('topic')}/orders → topic`,
    `kafka-cluster:ReadData on ${arn('topic')}/payments.* → topic`,
    `kafka-cluster:AlterGroup on ${arn('group')}/* → group`,
    `kafka-cluster:DescribeGroup on ${arn('group')}/* → group`,
  ]);
});
