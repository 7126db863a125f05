import { Construct } from 'constructs';
import { Fn, Token } from 'cdktf';
import type { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { ClickPipesAccessRole, ClickPipesAccessRoleProps, literalPartition } from './clickpipes-access-role';
import { FieldProblem } from '../errors';
import { StatementShape, rolePolicySizeProblem } from '../rules/iam-limits';
import {
  AwsPartition,
  arnPartitionProblem,
  kafkaNamePatternProblem,
  mskClusterArnProblem,
  parseMskClusterArn,
  repeatedItemProblems,
} from '../rules/validation';

/** Action on the cluster (catalog resource type `cluster`). */
export const MSK_CLUSTER_ACTIONS = ['kafka-cluster:Connect'] as const;
/** Actions on the topics (catalog resource type `topic`). */
export const MSK_TOPIC_ACTIONS = ['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData'] as const;
/** Actions on the consumer groups (catalog resource type `group`). */
export const MSK_GROUP_ACTIONS = ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'] as const;

/** The statements of the inline policy `msk-read`. */
export function mskReadStatements(
  clusterArn: string,
  topicArns: readonly string[],
  groupArns: readonly string[],
): DataAwsIamPolicyDocumentStatement[] {
  return [
    { sid: 'Connect', effect: 'Allow', actions: [...MSK_CLUSTER_ACTIONS], resources: [clusterArn] },
    { sid: 'ReadTopics', effect: 'Allow', actions: [...MSK_TOPIC_ACTIONS], resources: [...topicArns] },
    { sid: 'ConsumerGroups', effect: 'Allow', actions: [...MSK_GROUP_ACTIONS], resources: [...groupArns] },
  ];
}

/** `arn:…:cluster/NAME/UUID` → `arn:…:topic/NAME/UUID` (or `group/…`), for a literal ARN. */
const underCluster = (clusterArn: string, kind: 'topic' | 'group') => clusterArn.replace(':cluster/', `:${kind}/`);

/**
 * The problem of topics (then consumer groups) too many for one role's inline policies
 * ({@link rolePolicySizeProblem}), for a literal cluster ARN.
 */
export function mskPolicySizeProblem(
  clusterArn: string,
  topics: readonly string[] | undefined,
  consumerGroups: readonly string[] | undefined,
): FieldProblem[] {
  if (Token.isUnresolved(clusterArn)) return [];
  const arns = (kind: 'topic' | 'group', names: readonly string[]) =>
    names.map((n) => `${underCluster(clusterArn, kind)}/${n}`);
  const groups = arns('group', consumerGroups ?? ['*']);
  const fix = 'name them with patterns (`orders.*`), or split them over several sources, each with its own role';
  const topicProblem = rolePolicySizeProblem(
    topics ?? ['*'],
    'topics',
    (t) => mskReadStatements(clusterArn, arns('topic', t), groups) as StatementShape[],
    fix,
  );
  if (topicProblem) return [['topics', topicProblem]];
  const groupProblem = rolePolicySizeProblem(
    consumerGroups ?? ['*'],
    'consumer groups',
    (g) => mskReadStatements(clusterArn, arns('topic', topics ?? ['*']), arns('group', g)) as StatementShape[],
    fix,
  );
  return groupProblem ? [['consumerGroups', groupProblem]] : [];
}

/** Props of {@link ClickPipesMskAccess}. */
export interface ClickPipesMskAccessProps extends ClickPipesAccessRoleProps {
  /**
   * The MSK cluster (IAM access control on): its ARN,
   * `arn:aws:kafka:REGION:ACCOUNT:cluster/NAME/UUID`, or an `MskCluster`.
   */
  readonly clusterArn: string | MskCluster;
  /**
   * The topics ClickPipes reads: names, or patterns with `*` for any characters.
   * @default every topic of the cluster (`*`)
   */
  readonly topics?: readonly string[];
  /**
   * The consumer groups ClickPipes uses: names, or patterns with `*`.
   * @default every consumer group of the cluster (`*`)
   */
  readonly consumerGroups?: readonly string[];
}

/** What {@link mskAccessProblems} checks, as plain values. */
export interface MskAccessRuleInput {
  readonly clusterArn: string;
  readonly topics?: readonly string[];
  readonly consumerGroups?: readonly string[];
  /** The partition of the role, when known. */
  readonly partition?: AwsPartition;
}

/** The rules of an MSK source, shared by the construct and the config schema. */
export function mskAccessProblems(i: MskAccessRuleInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!Token.isUnresolved(i.clusterArn)) {
    const cluster = parseMskClusterArn(i.clusterArn);
    const p =
      mskClusterArnProblem(i.clusterArn) ??
      (cluster && i.partition && arnPartitionProblem(i.clusterArn, cluster.partition, i.partition));
    if (p) problems.push(['clusterArn', p]);
  }
  const names = (field: 'topics' | 'consumerGroups', what: 'topic' | 'consumer group', list?: readonly string[]) => {
    if (list === undefined) return;
    if (list.length === 0) problems.push([field, `list at least one ${what}, or leave ${field} out for all of them`]);
    list.forEach((name, n) => {
      const p = Token.isUnresolved(name) ? undefined : kafkaNamePatternProblem(name, what);
      if (p) problems.push([`${field}[${n}]`, p]);
    });
    problems.push(...repeatedItemProblems(list, field, what));
  };
  names('topics', 'topic', i.topics);
  names('consumerGroups', 'consumer group', i.consumerGroups);
  return problems;
}

/**
 * ClickPipes access to an Amazon MSK cluster with IAM access control, as the ClickPipes Kafka
 * guide ("IAM role for MSK") sets it up by hand:
 *
 * - an IAM role that the ClickHouse service's role may assume (`sts:AssumeRole`);
 * - an inline policy `msk-read`: {@link MSK_CLUSTER_ACTIONS} on the cluster,
 *   {@link MSK_TOPIC_ACTIONS} on the topics (`…:topic/NAME/UUID/TOPIC`) and
 *   {@link MSK_GROUP_ACTIONS} on the consumer groups (`…:group/NAME/UUID/GROUP`). The guide's
 *   `topic/NAME/*` and `group/NAME/*` also match clusters of the same name with another UUID
 *   (a cluster deleted and created again); these are narrowed to this cluster's UUID;
 * - the output `role_arn`, to paste into ClickPipes.
 *
 * @example
 * new ClickPipesMskAccess(stack, 'kafka', {
 *   clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
 *   clusterArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5',
 *   topics: ['orders', 'payments.*'],
 * });
 */
export class ClickPipesMskAccess extends ClickPipesAccessRole {
  /** The cluster's ARN, possibly a Terraform reference. */
  public readonly clusterArn: string;
  /** The ARNs of the topics the role may read. */
  public readonly topicArns: readonly string[];
  /** The ARNs of the consumer groups the role may use. */
  public readonly groupArns: readonly string[];

  constructor(scope: Construct, id: string, props: ClickPipesMskAccessProps) {
    const clusterArn = typeof props.clusterArn === 'string' ? props.clusterArn : props.clusterArn.arn;
    const problems = mskAccessProblems({
      clusterArn,
      topics: props.topics,
      consumerGroups: props.consumerGroups,
      partition: literalPartition(props),
    });
    if (!problems.length) problems.push(...mskPolicySizeProblem(clusterArn, props.topics, props.consumerGroups));
    super(scope, id, props, { trustActions: ['sts:AssumeRole'], what: `the MSK cluster of source ${id}` }, problems);

    this.clusterArn = clusterArn;
    // arn:…:cluster/NAME/UUID → arn:…:topic/NAME/UUID (and group/…), in TypeScript or, for a reference, in Terraform.
    const under = (kind: 'topic' | 'group') =>
      Token.isUnresolved(clusterArn)
        ? Fn.replace(clusterArn, ':cluster/', `:${kind}/`)
        : underCluster(clusterArn, kind);
    this.topicArns = (props.topics ?? ['*']).map((t) => `${under('topic')}/${t}`);
    this.groupArns = (props.consumerGroups ?? ['*']).map((g) => `${under('group')}/${g}`);
    this.addInlinePolicy('msk_read', 'msk-read', mskReadStatements(clusterArn, this.topicArns, this.groupArns));
  }
}
