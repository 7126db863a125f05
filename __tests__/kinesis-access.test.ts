import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import {
  ClickPipesKinesisAccess,
  ClickPipesKinesisAccessProps,
  KINESIS_CONSUMER_ACTIONS,
  KINESIS_STREAM_ACTIONS,
} from '../lib';
import { CLICKHOUSE_ROLE, only, statementsOf, synthStack } from './helpers';
import { KINESIS_GUIDE_CONSUMER_ACTIONS, KINESIS_GUIDE_STREAM_ACTIONS } from './verify/simulation';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const OTHER_STREAM = 'arn:aws:kinesis:us-east-1:210987654321:stream/orders-events';

const synthClicks = (props: Partial<ClickPipesKinesisAccessProps>) =>
  synthStack((scope) => {
    new ClickPipesKinesisAccess(scope, 'clicks', {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      streams: ['clicks'],
      ...props,
    });
  });

test('names, ARNs and streams of the stack become stream ARNs; consumers are under each stream', () => {
  const synth = synthStack((scope) => {
    const stream = new KinesisStream(scope, 'events', { name: 'events', shardCount: 1 });
    new ClickPipesKinesisAccess(scope, 'clicks', {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      streams: ['clicks', OTHER_STREAM, stream],
      accountId: ACCOUNT,
      region: REGION,
    });
  });
  const streams = [
    `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clicks`,
    OTHER_STREAM,
    expect.stringMatching(/^\$\{aws_kinesis_stream\.events(_[0-9A-F]+)?\.arn\}$/),
  ];
  expect(statementsOf(synth, 'kinesis_read')).toEqual([
    { sid: 'ReadStreams', effect: 'Allow', actions: [...KINESIS_STREAM_ACTIONS], resources: streams },
    {
      sid: 'EnhancedFanOutConsumers',
      effect: 'Allow',
      actions: [...KINESIS_CONSUMER_ACTIONS],
      resources: [
        `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/clicks/consumer/*`,
        `${OTHER_STREAM}/consumer/*`,
        expect.stringMatching(/^\$\{aws_kinesis_stream\.events(_[0-9A-F]+)?\.arn\}\/consumer\/\*$/),
      ],
    },
    { sid: 'ListStreams', effect: 'Allow', actions: ['kinesis:ListStreams'], resources: ['*'] },
  ]);
});

test('the actions are the ones of the ClickPipes guide, DeregisterStreamConsumer moved to the consumers', () => {
  const guide = [...KINESIS_GUIDE_STREAM_ACTIONS, ...KINESIS_GUIDE_CONSUMER_ACTIONS, 'ListStreams'].map(
    (a) => `kinesis:${a}`,
  );
  const granted = statementsOf(synthClicks({}), 'kinesis_read').flatMap((s) => s.actions as string[]);
  expect([...granted].sort()).toEqual([...guide].sort());
  expect(KINESIS_STREAM_ACTIONS).not.toContain('kinesis:DeregisterStreamConsumer');
});

test("a stream name without accountId and region takes the provider's account, region and partition", () => {
  const [first] = statementsOf(synthClicks({}), 'kinesis_read');
  expect(first.resources).toEqual([
    expect.stringMatching(
      /^arn:\$\{data\.aws_partition\.clicks_partition_[0-9A-F]+\.partition\}:kinesis:\$\{data\.aws_region\.clicks_region_[0-9A-F]+\.region\}:\$\{data\.aws_caller_identity\.clicks_account_[0-9A-F]+\.account_id\}:stream\/clicks$/,
    ),
  ]);
  // Only ARNs: no lookup at all.
  const synth = synthClicks({ streams: [OTHER_STREAM] });
  expect(JSON.parse(synth).data).toEqual({ aws_iam_policy_document: expect.any(Object) });
});

test('the role is ClickHouseAccessRole-<id>, trusted by the ClickHouse role with sts:AssumeRole only', () => {
  const synth = synthClicks({ accountId: ACCOUNT, region: REGION });
  expect(synth).toHaveResourceWithProperties(IamRole, {
    name: 'ClickHouseAccessRole-clicks',
    max_session_duration: 3600,
  });
  expect(statementsOf(synth, 'trust')).toEqual([
    { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: [CLICKHOUSE_ROLE] }] },
  ]);
  expect(only(synth, 'resource', 'aws_iam_role_policy')).toMatchObject({ name: 'kinesis-read' });
  expect(synthClicks({ roleName: 'ClickHouseAccessRole-custom' })).toHaveResourceWithProperties(IamRole, {
    name: 'ClickHouseAccessRole-custom',
  });
});

test.each<[string, Partial<ClickPipesKinesisAccessProps>, RegExp]>([
  [
    'a role name without the prefix',
    { roleName: 'clicks-reader' },
    /clicks\.roleName: "clicks-reader" does not start with "ClickHouseAccessRole-", which ClickPipes requires/,
  ],
  [
    'a role name over 64 characters',
    { roleName: `ClickHouseAccessRole-${'x'.repeat(44)}` },
    /clicks\.roleName: .* has 65 characters; IAM role names have at most 64/,
  ],
  ['no streams', { streams: [] }, /clicks\.streams: list at least one stream/],
  [
    'a stream name with a slash',
    { streams: ['a/b'] },
    /clicks\.streams\[0\]: "a\/b" is not a Kinesis stream name; use 1 to 128 letters/,
  ],
  [
    'a stream ARN of another service',
    { streams: ['arn:aws:sqs:us-east-1:123456789012:q'] },
    /clicks\.streams\[0\]: .* is not a Kinesis stream ARN; expected "arn:aws:kinesis:REGION:ACCOUNT:stream\/NAME"/,
  ],
  [
    'a consumer ARN',
    { streams: [`${OTHER_STREAM}/consumer/c:1`] },
    /clicks\.streams\[0\]: .* is not a Kinesis stream ARN/,
  ],
  [
    'a stream twice',
    { streams: ['clicks', 'x', 'clicks'] },
    /clicks\.streams\[2\]: "clicks" is already streams\[0\]; list each stream once/,
  ],
  [
    'a KMS alias ARN for kms:Decrypt (issue 12)',
    { kmsKeyArns: ['arn:aws:kms:us-east-1:123456789012:alias/clicks'] },
    /clicks\.kmsKeyArns\[0\]: "arn:aws:kms:us-east-1:123456789012:alias\/clicks" is not a KMS key ARN; expected "arn:aws:kms:REGION:ACCOUNT:key\/KEY_ID"/,
  ],
  [
    'an empty KMS key list',
    { kmsKeyArns: [] },
    /clicks\.kmsKeyArns: is empty; list at least one KMS key ARN, or leave it out/,
  ],
  [
    'a stream ARN in another partition',
    { streams: ['arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s'] },
    /clicks\.streams\[0\]: .* is in partition aws-cn, but the role is in partition aws/,
  ],
])('refuses %s', (_what, props, expected) => {
  expect(() => synthClicks(props)).toThrow(expected);
});

test('refuses a KinesisStream of another stack', () => {
  const app = Testing.app();
  const other = new TerraformStack(app, 'streams');
  new AwsProvider(other, 'aws', { region: REGION });
  const stream = new KinesisStream(other, 'events', { name: 'events', shardCount: 1 });
  const stack = new TerraformStack(app, 'access');
  new AwsProvider(stack, 'aws', { region: REGION });
  expect(
    () => new ClickPipesKinesisAccess(stack, 'clicks', { clickHouseIamRoleArn: CLICKHOUSE_ROLE, streams: [stream] }),
  ).toThrow(
    /access\/clicks\.streams\[0\]: the KinesisStream streams\/events is in another stack than access: give its ARN as a string/,
  );
});

test('kms:Decrypt with exactly the customer managed keys given, and no KMS statement without them (issue 12)', () => {
  const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const statements = statementsOf(synthClicks({ kmsKeyArns: [key] }), 'kinesis_read');
  expect(statements).toContainEqual({
    sid: 'DecryptWithKeys',
    effect: 'Allow',
    actions: ['kms:Decrypt'],
    resources: [key],
  });
  expect(statementsOf(synthClicks({}), 'kinesis_read').flatMap((s) => s.actions as string[])).not.toContain(
    'kms:Decrypt',
  );
});
