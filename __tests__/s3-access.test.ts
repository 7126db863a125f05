import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import {
  ClickPipesS3Access,
  ClickPipesS3AccessProps,
  S3_BUCKET_ACTIONS,
  S3_OBJECT_ACTIONS,
  SQS_QUEUE_ACTIONS,
} from '../lib';
import { CLICKHOUSE_ROLE, statementsOf, synthStack } from './helpers';

const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:landing-events';

const synthLanding = (props: Partial<ClickPipesS3AccessProps>) =>
  synthStack((scope) => {
    new ClickPipesS3Access(scope, 'landing', {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      buckets: ['acme-landing'],
      ...props,
    });
  });

test('buckets get the bucket actions, their objects the object actions', () => {
  expect(
    statementsOf(synthLanding({ buckets: ['acme-landing', 'acme.archive'], region: 'us-east-1' }), 's3_read'),
  ).toEqual([
    {
      sid: 'ListBuckets',
      effect: 'Allow',
      actions: [...S3_BUCKET_ACTIONS],
      resources: ['arn:aws:s3:::acme-landing', 'arn:aws:s3:::acme.archive'],
    },
    {
      sid: 'ReadObjects',
      effect: 'Allow',
      actions: [...S3_OBJECT_ACTIONS],
      resources: ['arn:aws:s3:::acme-landing/*', 'arn:aws:s3:::acme.archive/*'],
    },
  ]);
});

test('a prefix narrows the object permissions only; the queue adds the SQS actions', () => {
  const [buckets, objects, queue, list] = statementsOf(
    synthLanding({ prefix: 'exports/2024/', sqsQueueArn: QUEUE, region: 'us-east-1' }),
    's3_read',
  );
  expect(buckets.resources).toEqual(['arn:aws:s3:::acme-landing']);
  expect(objects.resources).toEqual(['arn:aws:s3:::acme-landing/exports/2024/*']);
  expect(queue).toEqual({ sid: 'ConsumeEvents', effect: 'Allow', actions: [...SQS_QUEUE_ACTIONS], resources: [QUEUE] });
  expect(list).toEqual({ sid: 'ListQueues', effect: 'Allow', actions: ['sqs:ListQueues'], resources: ['*'] });
});

test('S3Buckets and SqsQueues of the stack are referenced; the partition follows the region', () => {
  const synth = synthStack((scope) => {
    const bucket = new S3Bucket(scope, 'bucket', { bucket: 'acme-landing' });
    const queue = new SqsQueue(scope, 'queue', { name: 'landing-events' });
    new ClickPipesS3Access(scope, 'landing', {
      clickHouseIamRoleArn: 'arn:aws-cn:iam::111122223333:role/CH-S3-example-Role',
      buckets: [bucket, 'acme-archive'],
      sqsQueueArn: queue,
      region: 'cn-north-1',
    });
  });
  const [buckets, objects, queue] = statementsOf(synth, 's3_read');
  expect(buckets.resources).toEqual([
    expect.stringMatching(/^\$\{aws_s3_bucket\.bucket(_[0-9A-F]+)?\.arn\}$/),
    'arn:aws-cn:s3:::acme-archive',
  ]);
  expect((objects.resources as string[])[0]).toMatch(/^\$\{aws_s3_bucket\.bucket(_[0-9A-F]+)?\.arn\}\/\*$/);
  expect(queue.resources).toEqual([expect.stringMatching(/^\$\{aws_sqs_queue\.queue(_[0-9A-F]+)?\.arn\}$/)]);
});

test("without a region, the provider's partition is read", () => {
  const [buckets] = statementsOf(synthLanding({}), 's3_read');
  expect(buckets.resources).toEqual([
    expect.stringMatching(/^arn:\$\{data\.aws_partition\.landing_partition_[0-9A-F]+\.partition\}:s3:::acme-landing$/),
  ]);
});

test('the role is trusted by the ClickHouse role with sts:AssumeRole; a role name is free', () => {
  const synth = synthLanding({ roleName: 'clickpipes-landing' });
  expect(synth).toHaveResourceWithProperties(IamRole, { name: 'clickpipes-landing' });
  expect(statementsOf(synth, 'trust')).toEqual([
    { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'AWS', identifiers: [CLICKHOUSE_ROLE] }] },
  ]);
});

test.each<[string, Partial<ClickPipesS3AccessProps>, RegExp]>([
  ['no buckets', { buckets: [] }, /landing\.buckets: list at least one bucket name/],
  [
    'an upper-case bucket name',
    { buckets: ['Acme'] },
    /landing\.buckets\[0\]: "Acme" is not an S3 bucket name; use 3 to 63 lowercase/,
  ],
  ['a bucket ARN', { buckets: ['arn:aws:s3:::acme'] }, /landing\.buckets\[0\]: .* is not an S3 bucket name/],
  ['a bucket URL', { buckets: ['s3://acme/x'] }, /landing\.buckets\[0\]: .* is not an S3 bucket name/],
  ['a bucket name like an IP address', { buckets: ['192.168.1.1'] }, /is formatted as an IP address/],
  [
    'an access point alias',
    { buckets: ['acme-ab12-s3alias'] },
    /ends with "-s3alias", which names an access point alias/,
  ],
  ['a bucket twice', { buckets: ['acme', 'acme'] }, /landing\.buckets\[1\]: "acme" is already buckets\[0\]/],
  [
    'a prefix with a wildcard',
    { prefix: 'exports/*' },
    /landing\.prefix: "exports\/\*" holds \* \? \$ or a control character/,
  ],
  [
    'a prefix with a leading slash',
    { prefix: '/exports/' },
    /landing\.prefix: "\/exports\/" starts with "\/", but S3 keys do not/,
  ],
  ['an empty prefix', { prefix: '' }, /landing\.prefix: "" has 0 characters/],
  [
    'a queue URL',
    { sqsQueueArn: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' },
    /landing\.sqsQueueArn: .* is not an SQS queue ARN; expected "arn:aws:sqs:REGION:ACCOUNT:QUEUE_NAME"/,
  ],
  [
    'a queue in another partition',
    { sqsQueueArn: 'arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q' },
    /landing\.sqsQueueArn: .* is in partition aws-us-gov, but the role is in partition aws/,
  ],
])('refuses %s', (_what, props, expected) => {
  expect(() => synthLanding(props)).toThrow(expected);
});

test('kms:Decrypt with exactly the customer managed keys given (SSE-KMS), a key ARN only (issue 12)', () => {
  const key = 'arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
  expect(statementsOf(synthLanding({ kmsKeyArns: [key] }), 's3_read')).toContainEqual({
    sid: 'DecryptWithKeys',
    effect: 'Allow',
    actions: ['kms:Decrypt'],
    resources: [key],
  });
  expect(() => synthLanding({ kmsKeyArns: ['arn:aws:kms:us-east-1:123456789012:key/*'] })).toThrow(
    /landing\.kmsKeyArns\[0\]: .* is not a KMS key ARN/,
  );
});
