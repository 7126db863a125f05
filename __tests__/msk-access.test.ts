import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import {
  ClickPipesMskAccess,
  ClickPipesMskAccessProps,
  MSK_CLUSTER_ACTIONS,
  MSK_GROUP_ACTIONS,
  MSK_TOPIC_ACTIONS,
} from '../lib';
import { CLICKHOUSE_ROLE, statementsOf, synthStack } from './helpers';

const CLUSTER = 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5';
const UNDER = (kind: string) =>
  `arn:aws:kafka:us-east-1:123456789012:${kind}/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5`;

const synthKafka = (props: Partial<ClickPipesMskAccessProps>) =>
  synthStack((scope) => {
    new ClickPipesMskAccess(scope, 'kafka', { clickHouseIamRoleArn: CLICKHOUSE_ROLE, clusterArn: CLUSTER, ...props });
  });

test('by default every topic and consumer group of this cluster (its UUID, not only its name)', () => {
  expect(statementsOf(synthKafka({}), 'msk_read')).toEqual([
    { sid: 'Connect', effect: 'Allow', actions: [...MSK_CLUSTER_ACTIONS], resources: [CLUSTER] },
    { sid: 'ReadTopics', effect: 'Allow', actions: [...MSK_TOPIC_ACTIONS], resources: [`${UNDER('topic')}/*`] },
    { sid: 'ConsumerGroups', effect: 'Allow', actions: [...MSK_GROUP_ACTIONS], resources: [`${UNDER('group')}/*`] },
  ]);
});

test('topics and consumer groups narrow the grant', () => {
  const [, topics, groups] = statementsOf(
    synthKafka({ topics: ['orders', 'payments.*'], consumerGroups: ['clickpipes-orders'] }),
    'msk_read',
  );
  expect(topics.resources).toEqual([`${UNDER('topic')}/orders`, `${UNDER('topic')}/payments.*`]);
  expect(groups.resources).toEqual([`${UNDER('group')}/clickpipes-orders`]);
});

test('an MskCluster of the stack: topic and group ARNs are derived in Terraform', () => {
  const synth = synthStack((scope) => {
    const cluster = new MskCluster(scope, 'cluster', {
      clusterName: 'orders',
      kafkaVersion: '3.6.0',
      numberOfBrokerNodes: 3,
      brokerNodeGroupInfo: {
        instanceType: 'kafka.m5.large',
        clientSubnets: ['subnet-1', 'subnet-2', 'subnet-3'],
        securityGroups: ['sg-1'],
      },
    });
    new ClickPipesMskAccess(scope, 'kafka', {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      clusterArn: cluster,
      topics: ['orders'],
    });
  });
  const [connect, topics, groups] = statementsOf(synth, 'msk_read');
  expect(connect.resources).toEqual([expect.stringMatching(/^\$\{aws_msk_cluster\.cluster(_[0-9A-F]+)?\.arn\}$/)]);
  expect(topics.resources).toEqual([
    expect.stringMatching(
      /^\$\{replace\(aws_msk_cluster\.cluster(_[0-9A-F]+)?\.arn, ":cluster\/", ":topic\/"\)\}\/orders$/,
    ),
  ]);
  expect(groups.resources).toEqual([
    expect.stringMatching(
      /^\$\{replace\(aws_msk_cluster\.cluster(_[0-9A-F]+)?\.arn, ":cluster\/", ":group\/"\)\}\/\*$/,
    ),
  ]);
});

test('the role is trusted by the ClickHouse role with sts:AssumeRole', () => {
  const synth = synthKafka({});
  expect(synth).toHaveResourceWithProperties(IamRole, { name: 'ClickHouseAccessRole-kafka' });
  expect(statementsOf(synth, 'trust')).toEqual([
    { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: [CLICKHOUSE_ROLE] }] },
  ]);
});

test.each<[string, Partial<ClickPipesMskAccessProps>, RegExp]>([
  [
    'a cluster name for an ARN',
    { clusterArn: 'orders' },
    /kafka\.clusterArn: "orders" is not an MSK cluster ARN; expected "arn:aws:kafka:REGION:ACCOUNT:cluster\/NAME\/UUID"/,
  ],
  [
    'a cluster ARN without its UUID',
    { clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders' },
    /kafka\.clusterArn: .* is not an MSK cluster ARN/,
  ],
  [
    'a topic ARN for the cluster',
    { clusterArn: `${UNDER('topic')}/orders` },
    /kafka\.clusterArn: .* is not an MSK cluster ARN/,
  ],
  [
    'a cluster in another partition',
    { clusterArn: CLUSTER.replace('arn:aws:kafka:us-east-1', 'arn:aws-cn:kafka:cn-north-1') },
    /kafka\.clusterArn: .* is in partition aws-cn, but the role is in partition aws/,
  ],
  [
    'an empty topic list',
    { topics: [] },
    /kafka\.topics: list at least one topic, or leave topics out for all of them/,
  ],
  [
    'a topic with a slash',
    { topics: ['a/b'] },
    /kafka\.topics\[0\]: "a\/b" is not a topic name or pattern; use 1 to 249 letters, digits and \. _ -/,
  ],
  ['a topic twice', { topics: ['a', 'a'] }, /kafka\.topics\[1\]: "a" is already topics\[0\]/],
  [
    'a consumer group with a space',
    { consumerGroups: ['click pipes'] },
    /kafka\.consumerGroups\[0\]: "click pipes" is not a consumer group name or pattern/,
  ],
])('refuses %s', (_what, props, expected) => {
  expect(() => synthKafka(props)).toThrow(expected);
});
