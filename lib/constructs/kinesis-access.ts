import { Construct } from 'constructs';
import { TerraformStack, Token } from 'cdktf';
import type { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import {
  ClickPipesAccessRole,
  ClickPipesAccessRoleProps,
  literalPartition,
  longestArnParts,
} from './clickpipes-access-role';
import { FieldProblem } from '../errors';
import { ownScope } from '../framework';
import { StatementShape, rolePolicySizeProblem } from '../rules/iam-limits';
import { kmsDecryptStatement, kmsKeyArnsProblems } from '../rules/kms';
import {
  AwsPartition,
  arnPartitionProblem,
  defaultRoleName,
  kinesisRoleNameProblem,
  kinesisStreamProblem,
  parseKinesisStreamArn,
  repeatedItemProblems,
} from '../rules/validation';

/**
 * Actions on each stream (catalog resource type `stream`), as the ClickPipes Kinesis guide lists
 * them, less `kinesis:DeregisterStreamConsumer`, which acts on a consumer.
 */
export const KINESIS_STREAM_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:GetShardIterator',
  'kinesis:GetRecords',
  'kinesis:ListShards',
  'kinesis:RegisterStreamConsumer',
  'kinesis:ListStreamConsumers',
] as const;

/**
 * Actions on the enhanced fan-out consumers of each stream (catalog resource type `consumer`,
 * `arn:…:stream/NAME/consumer/CONSUMER:TIMESTAMP`). The guide grants the first two on
 * `stream/NAME/*`, and `kinesis:DeregisterStreamConsumer` on the stream, where the IAM catalog
 * shows it can match nothing: it acts on the consumer, so it is granted here.
 */
export const KINESIS_CONSUMER_ACTIONS = [
  'kinesis:SubscribeToShard',
  'kinesis:DescribeStreamConsumer',
  'kinesis:DeregisterStreamConsumer',
] as const;

/** The statements of the inline policy `kinesis-read` for the stream ARNs. */
export function kinesisReadStatements(streamArns: readonly string[]): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: 'ReadStreams', effect: 'Allow', actions: [...KINESIS_STREAM_ACTIONS], resources: [...streamArns] },
    {
      sid: 'EnhancedFanOutConsumers',
      effect: 'Allow',
      actions: [...KINESIS_CONSUMER_ACTIONS],
      resources: streamArns.map((arn) => `${arn}/consumer/*`),
    },
    { sid: 'ListStreams', effect: 'Allow', actions: ['kinesis:ListStreams'], resources: ['*'] },
  ];
}

/** The ARN of a stream given by name or ARN, in `partition`, `region` and `accountId` for a name. */
export function kinesisStreamArn(stream: string, partition: string, region: string, accountId: string): string {
  if (Token.isUnresolved(stream) || parseKinesisStreamArn(stream)) return stream;
  return `arn:${partition}:kinesis:${region}:${accountId}:stream/${stream}`;
}

/**
 * The problem of stream ARNs too many for one role's inline policies ({@link rolePolicySizeProblem}).
 *
 * @param known the length of Terraform references of known length in the ARNs
 */
export function kinesisPolicySizeProblem(
  streamArns: readonly string[],
  known?: ReadonlyMap<string, number>,
): FieldProblem[] {
  const problem = rolePolicySizeProblem(
    streamArns,
    'streams',
    (arns) => kinesisReadStatements(arns) as StatementShape[],
    'split them over several sources, each with its own role',
    known,
  );
  return problem ? [['streams', problem]] : [];
}

/** Props of {@link ClickPipesKinesisAccess}. */
export interface ClickPipesKinesisAccessProps extends ClickPipesAccessRoleProps {
  /**
   * The streams ClickPipes reads, at least one: a stream name (in `accountId` and `region`, by
   * default the provider's), a stream ARN (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`), or a
   * `KinesisStream` of the same stack.
   */
  readonly streams: readonly (string | KinesisStream)[];
  /**
   * Name of the IAM role; ClickPipes requires it to start with `ClickHouseAccessRole-`.
   * @default `ClickHouseAccessRole-<construct id>`
   */
  readonly roleName?: string;
  /**
   * Customer managed KMS keys the streams are encrypted with: the role may `kms:Decrypt` with
   * exactly these keys (consumers of a stream encrypted with a customer managed key need it).
   * Key ARNs, not aliases.
   * @default none (streams unencrypted, or encrypted with the AWS managed key aws/kinesis)
   */
  readonly kmsKeyArns?: readonly string[];
}

/** What {@link kinesisAccessProblems} checks, as plain values. */
export interface KinesisAccessRuleInput {
  readonly roleName: string;
  /** The streams as given: names or ARNs (Terraform references are skipped). */
  readonly streams: readonly string[];
  /** The partition of the role, when known. */
  readonly partition?: AwsPartition;
  /** Customer managed KMS keys of the streams. */
  readonly kmsKeyArns?: readonly string[];
}

/**
 * The rules of a Kinesis source, shared by the construct and the config schema: the role name
 * prefix, well-formed stream names and ARNs in the role's partition, no stream twice.
 */
export function kinesisAccessProblems(i: KinesisAccessRuleInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Token.isUnresolved(i.roleName)) {
    const p = kinesisRoleNameProblem(i.roleName);
    if (p) problems.push(['roleName', p]);
  }
  if (i.streams.length === 0) problems.push(['streams', 'list at least one stream (a name or a stream ARN)']);
  i.streams.forEach((stream, n) => {
    if (Token.isUnresolved(stream)) return;
    const field = `streams[${n}]`;
    const arn = parseKinesisStreamArn(stream);
    const p =
      kinesisStreamProblem(stream) ?? (arn && i.partition && arnPartitionProblem(stream, arn.partition, i.partition));
    if (p) problems.push([field, p]);
  });
  problems.push(...repeatedItemProblems(i.streams, 'streams', 'stream'));
  problems.push(...kmsKeyArnsProblems(i.kmsKeyArns, i.partition));
  return problems;
}

/**
 * ClickPipes access to Kinesis data streams, as the ClickPipes guide "Kinesis role-based access"
 * sets it up by hand:
 *
 * - an IAM role named `ClickHouseAccessRole-…` that the ClickHouse service's role may assume
 *   (`sts:AssumeRole`);
 * - an inline policy `kinesis-read`: {@link KINESIS_STREAM_ACTIONS} on each stream,
 *   {@link KINESIS_CONSUMER_ACTIONS} on each stream's enhanced fan-out consumers
 *   (`…:stream/NAME/consumer/*`), and `kinesis:ListStreams`, which has no resource type, on `*`;
 * - the output `role_arn`, to paste into ClickPipes.
 *
 * Streams encrypted with a customer managed KMS key also need `kms:Decrypt` on that key, which
 * the ClickPipes guide does not list: add it with the key's policy or another inline policy.
 *
 * @example
 * new ClickPipesKinesisAccess(stack, 'clickstream', {
 *   clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
 *   streams: ['clickstream', 'arn:aws:kinesis:us-east-1:123456789012:stream/orders-events'],
 * });
 */
export class ClickPipesKinesisAccess extends ClickPipesAccessRole {
  /** The ARNs of the streams, possibly Terraform references. */
  public readonly streamArns: readonly string[];

  constructor(scope: Construct, id: string, props: ClickPipesKinesisAccessProps) {
    const stack = TerraformStack.of(ownScope(scope, id));
    const problems = kinesisAccessProblems({
      roleName: props.roleName ?? defaultRoleName(id),
      streams: props.streams.map((s) => (typeof s === 'string' ? s : s.arn)),
      partition: literalPartition(props),
      kmsKeyArns: props.kmsKeyArns,
    });
    props.streams.forEach((s, n) => {
      if (typeof s !== 'string' && TerraformStack.of(s) !== stack) {
        problems.push([
          `streams[${n}]`,
          `the KinesisStream ${s.node.path} is in another stack than ${stack.node.path}: give its ARN as a string`,
        ]);
      }
    });
    if (!problems.length) {
      const [partition, region, accountId] = longestArnParts(props);
      problems.push(
        ...kinesisPolicySizeProblem(
          props.streams.map((s) => (typeof s === 'string' ? kinesisStreamArn(s, partition, region, accountId) : s.arn)),
        ),
      );
    }
    super(
      scope,
      id,
      props,
      { trustActions: ['sts:AssumeRole'], what: `the Kinesis streams of source ${id}` },
      problems,
    );

    this.streamArns = props.streams.map((s) => {
      if (typeof s !== 'string') return s.arn;
      if (Token.isUnresolved(s) || parseKinesisStreamArn(s)) return s;
      return kinesisStreamArn(s, this.partition, this.region, this.accountId);
    });
    this.addInlinePolicy('kinesis_read', 'kinesis-read', [
      ...kinesisReadStatements(this.streamArns),
      ...(props.kmsKeyArns?.length ? [kmsDecryptStatement(props.kmsKeyArns)] : []),
    ]);
  }
}
