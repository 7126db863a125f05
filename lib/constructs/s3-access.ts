import { Construct } from 'constructs';
import { Token } from 'cdktf';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import {
  ClickPipesAccessRole,
  ClickPipesAccessRoleProps,
  literalPartition,
  longestArnParts,
} from './clickpipes-access-role';
import { FieldProblem } from '../errors';
import { StatementShape, rolePolicySizeProblem } from '../rules/iam-limits';
import { kmsDecryptStatement, kmsKeyArnsProblems } from '../rules/kms';
import {
  AwsPartition,
  arnPartitionProblem,
  parseSqsQueueArn,
  repeatedItemProblems,
  s3BucketNameProblem,
  s3PrefixProblem,
  sqsQueueArnProblem,
} from '../rules/validation';

/** Actions on each bucket (catalog resource type `bucket`), as the ClickPipes S3 guide lists them. */
export const S3_BUCKET_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucket'] as const;

/**
 * Actions on the objects (catalog resource type `object`). The ClickPipes S3 guide grants
 * `s3:Get*` and `s3:List*` on `arn:aws:s3:::BUCKET/*`; against the IAM catalog, these are the
 * actions of those two patterns that can match an object ARN, so the grant is the same. Listed
 * one by one, each is checked against the catalog, and an S3 action AWS adds later is not
 * granted without a review.
 */
export const S3_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:GetObjectAcl',
  's3:GetObjectAnnotation',
  's3:GetObjectAttributes',
  's3:GetObjectLegalHold',
  's3:GetObjectRetention',
  's3:GetObjectTagging',
  's3:GetObjectTorrent',
  's3:GetObjectVersion',
  's3:GetObjectVersionAcl',
  's3:GetObjectVersionAnnotation',
  's3:GetObjectVersionAnnotationForReplication',
  's3:GetObjectVersionAttributes',
  's3:GetObjectVersionForReplication',
  's3:GetObjectVersionTagging',
  's3:GetObjectVersionTorrent',
  's3:ListMultipartUploadParts',
  's3:ListObjectAnnotations',
  's3:ListObjectVersionAnnotations',
] as const;

/** Actions on the queue of continuous ingestion (catalog resource type `queue`). */
export const SQS_QUEUE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'] as const;

/** The statements of the inline policy `s3-read`: the buckets, their objects (under `prefix`), and the queue. */
export function s3ReadStatements(
  bucketArns: readonly string[],
  prefix: string | undefined,
  queueArn: string | undefined,
): DataAwsIamPolicyDocumentStatement[] {
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    { sid: 'ListBuckets', effect: 'Allow', actions: [...S3_BUCKET_ACTIONS], resources: [...bucketArns] },
    {
      sid: 'ReadObjects',
      effect: 'Allow',
      actions: [...S3_OBJECT_ACTIONS],
      resources: bucketArns.map((arn) => `${arn}/${prefix ?? ''}*`),
    },
  ];
  if (queueArn !== undefined) {
    statements.push(
      { sid: 'ConsumeEvents', effect: 'Allow', actions: [...SQS_QUEUE_ACTIONS], resources: [queueArn] },
      { sid: 'ListQueues', effect: 'Allow', actions: ['sqs:ListQueues'], resources: ['*'] },
    );
  }
  return statements;
}

/** The problem of buckets too many for one role's inline policies ({@link rolePolicySizeProblem}). */
export function s3PolicySizeProblem(
  bucketArns: readonly string[],
  prefix: string | undefined,
  queueArn: string | undefined,
): FieldProblem[] {
  const problem = rolePolicySizeProblem(
    bucketArns,
    'buckets',
    (arns) => s3ReadStatements(arns, prefix, queueArn) as StatementShape[],
    'split them over several sources, each with its own role',
  );
  return problem ? [['buckets', problem]] : [];
}

/** Props of {@link ClickPipesS3Access}. */
export interface ClickPipesS3AccessProps extends ClickPipesAccessRoleProps {
  /** The buckets ClickPipes reads, at least one: bucket names, or `S3Bucket`s. */
  readonly buckets: readonly (string | S3Bucket)[];
  /**
   * A key prefix that narrows the object permissions to `BUCKET/<prefix>*` in every bucket,
   * e.g. `"exports/"`. Listing the bucket (`s3:ListBucket`) is not narrowed.
   * @default the whole bucket (`BUCKET/*`)
   */
  readonly prefix?: string;
  /**
   * The SQS queue of continuous ingestion (the bucket's event notifications), as an ARN or an
   * `SqsQueue`: adds {@link SQS_QUEUE_ACTIONS} on it, and `sqs:ListQueues` on `*`.
   * @default no queue
   */
  readonly sqsQueueArn?: string | SqsQueue;
  /**
   * Customer managed KMS keys the objects are encrypted with (SSE-KMS): the role may
   * `kms:Decrypt` with exactly these keys. Key ARNs, not aliases.
   * @default none (objects unencrypted, SSE-S3, or the AWS managed key aws/s3)
   */
  readonly kmsKeyArns?: readonly string[];
}

/** What {@link s3AccessProblems} checks, as plain values. */
export interface S3AccessRuleInput {
  /** Bucket names (Terraform references are skipped). */
  readonly buckets: readonly string[];
  readonly prefix?: string;
  readonly sqsQueueArn?: string;
  /** The partition of the role, when known. */
  readonly partition?: AwsPartition;
  readonly kmsKeyArns?: readonly string[];
}

/** The rules of an S3 source, shared by the construct and the config schema. */
export function s3AccessProblems(i: S3AccessRuleInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (i.buckets.length === 0) problems.push(['buckets', 'list at least one bucket name']);
  i.buckets.forEach((bucket, n) => {
    const p = Token.isUnresolved(bucket) ? undefined : s3BucketNameProblem(bucket);
    if (p) problems.push([`buckets[${n}]`, p]);
  });
  problems.push(...repeatedItemProblems(i.buckets, 'buckets', 'bucket'));
  if (i.prefix !== undefined && !Token.isUnresolved(i.prefix)) {
    const p = s3PrefixProblem(i.prefix);
    if (p) problems.push(['prefix', p]);
  }
  if (i.sqsQueueArn !== undefined && !Token.isUnresolved(i.sqsQueueArn)) {
    const queue = parseSqsQueueArn(i.sqsQueueArn);
    const p =
      sqsQueueArnProblem(i.sqsQueueArn) ??
      (queue && i.partition && arnPartitionProblem(i.sqsQueueArn, queue.partition, i.partition));
    if (p) problems.push(['sqsQueueArn', p]);
  }
  problems.push(...kmsKeyArnsProblems(i.kmsKeyArns, i.partition));
  return problems;
}

/**
 * ClickPipes access to S3 buckets, as the ClickHouse guide "Accessing S3 data securely" sets it
 * up by hand:
 *
 * - an IAM role that the ClickHouse service's role may assume (`sts:AssumeRole`);
 * - an inline policy `s3-read`: {@link S3_BUCKET_ACTIONS} on each bucket,
 *   {@link S3_OBJECT_ACTIONS} on its objects (under `prefix` when given), and with
 *   `sqsQueueArn` {@link SQS_QUEUE_ACTIONS} on the queue plus `sqs:ListQueues` (no resource
 *   type) on `*`;
 * - the output `role_arn`, to paste into ClickPipes.
 *
 * Requester Pays buckets are not supported by ClickPipes. Objects encrypted with a customer
 * managed KMS key also need `kms:Decrypt` on that key, which the guide does not list.
 *
 * @example
 * new ClickPipesS3Access(stack, 'landing', {
 *   clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
 *   buckets: ['acme-landing'],
 *   prefix: 'exports/',
 * });
 */
export class ClickPipesS3Access extends ClickPipesAccessRole {
  /** The ARNs of the buckets. */
  public readonly bucketArns: readonly string[];
  /** The ARNs of the objects the role may read: `BUCKET/*` or `BUCKET/<prefix>*`. */
  public readonly objectArns: readonly string[];

  constructor(scope: Construct, id: string, props: ClickPipesS3AccessProps) {
    const queueArn = typeof props.sqsQueueArn === 'object' ? props.sqsQueueArn.arn : props.sqsQueueArn;
    const problems = s3AccessProblems({
      buckets: props.buckets.map((b) => (typeof b === 'string' ? b : b.bucket)),
      prefix: props.prefix,
      sqsQueueArn: queueArn,
      partition: literalPartition(props),
      kmsKeyArns: props.kmsKeyArns,
    });
    if (!problems.length) {
      const [partition] = longestArnParts(props);
      const arns = props.buckets.map((b) => (typeof b === 'string' ? `arn:${partition}:s3:::${b}` : b.arn));
      problems.push(...s3PolicySizeProblem(arns, props.prefix, queueArn));
    }
    super(scope, id, props, { trustActions: ['sts:AssumeRole'], what: `the S3 buckets of source ${id}` }, problems);

    this.bucketArns = props.buckets.map((b) => (typeof b === 'string' ? `arn:${this.partition}:s3:::${b}` : b.arn));
    this.objectArns = this.bucketArns.map((arn) => `${arn}/${props.prefix ?? ''}*`);
    this.addInlinePolicy('s3_read', 's3-read', [
      ...s3ReadStatements(this.bucketArns, props.prefix, queueArn),
      ...(props.kmsKeyArns?.length ? [kmsDecryptStatement(props.kmsKeyArns)] : []),
    ]);
  }
}
