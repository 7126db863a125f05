import { Construct } from 'constructs';
import { TerraformOutput, TerraformOutputConfig, Token } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { FieldProblem, throwIfProblems } from '../errors';
import { foreignElementProblems, ownScope } from '../framework';
import { ROLE_POLICY_SIZE, StatementShape, policySize } from '../rules/iam-limits';
import {
  AwsPartition,
  accountIdProblem,
  clickHouseIamRoleArnProblem,
  defaultRoleName,
  partitionMismatchProblem,
  parseRoleArn,
  partitionOf,
  regionProblem,
  roleNameProblem,
} from '../rules/validation';

/** A Terraform identifier's start, for {@link ClickPipesAccessRoleProps.outputPrefix}. */
const OUTPUT_PREFIX = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Props every ClickPipes source shares. */
export interface ClickPipesAccessRoleProps {
  /**
   * The ClickHouse service's IAM role ARN, the only principal the role trusts: the
   * "Service role ID (IAM)" in the ClickHouse Cloud console (service Settings, Network security
   * information), e.g. `arn:aws:iam::111122223333:role/CH-S3-example-Role`.
   */
  readonly clickHouseIamRoleArn: string;
  /**
   * Name of the IAM role.
   * @default `ClickHouseAccessRole-<construct id>`
   */
  readonly roleName?: string;
  /**
   * Description of the IAM role.
   * @default a sentence naming the source
   */
  readonly roleDescription?: string;
  /**
   * ARN of a managed policy to set as the role's permissions boundary.
   * @default no boundary
   */
  readonly permissionsBoundary?: string;
  /**
   * Tags of the IAM role (the provider's default tags apply as well).
   * @default no tags
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Whether to add Terraform outputs (the role ARN, and what the source type adds).
   * @default true
   */
  readonly outputs?: boolean;
  /**
   * Names the Terraform outputs exactly `<outputPrefix>_<output>` (`orders_role_arn`,
   * `orders_db_user_sql`, …), as the app's stacks name them, so that `terraform output -raw
   * orders_role_arn` works in your own stack. Each output's logical ID is overridden; the prefix
   * must be unique among the stack's outputs.
   * @default none: cdktf names each output after its construct path and a hash of it, e.g.
   *   `orders_role_arn_2D69302A` for a construct with id `orders` directly in a stack
   */
  readonly outputPrefix?: string;
  /**
   * The AWS account ID of the source's resources, for the ARNs the policies name.
   * @default the provider's account (`aws_caller_identity`)
   */
  readonly accountId?: string;
  /**
   * The region of the source's resources; also gives the ARN partition.
   * @default the provider's region (`aws_region`) and partition (`aws_partition`)
   */
  readonly region?: string;
}

/**
 * The partition of the role and of what it grants, when known before synth: that of a literal
 * `region`, or else of the ClickHouse role ARN (roles are not assumed across partitions).
 */
export function literalPartition(props: ClickPipesAccessRoleProps): AwsPartition | undefined {
  const region = literal(props.region);
  if (region !== undefined) return regionProblem(region) ? undefined : partitionOf(region);
  const arn = literal(props.clickHouseIamRoleArn);
  return arn === undefined ? undefined : parseRoleArn(arn)?.partition;
}

/**
 * The partition, region and account ID of the ARNs a construct will name, for sizing its
 * policies before it is built: the literal values, or the longest a provider lookup can return
 * (`aws-us-gov`, a 14-character region, 12 digits).
 */
export function longestArnParts(
  props: ClickPipesAccessRoleProps,
): [partition: string, region: string, account: string] {
  const region = literal(props.region);
  const partition = literalPartition(props);
  return [
    region === undefined || partition === undefined ? 'aws-us-gov' : partition,
    region ?? 'xx-xxxxxxxxx-1',
    literal(props.accountId) ?? '123456789012',
  ];
}

/** A literal (not a Terraform reference) string, or undefined. */
export function literal(value: string | undefined): string | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

/** What a source type adds to {@link ClickPipesAccessRoleProps}. */
export interface ClickPipesTrust {
  /** Actions the ClickHouse role may perform on this role: `sts:AssumeRole`, and for RDS `sts:TagSession`. */
  readonly trustActions: readonly string[];
  /** Used in the default description: "ClickPipes access to <what>". */
  readonly what: string;
}

/**
 * An IAM role that the ClickHouse Cloud service's role assumes to reach one ClickPipes source,
 * with the inline policies of that source. Source types extend it and add only their
 * permissions and their rules.
 *
 * Terraform: an `aws_iam_role` whose trust policy (`aws_iam_policy_document` `trust_policy`)
 * names exactly `clickHouseIamRoleArn`; an `aws_iam_role_policy` per permission set; an output
 * `role_arn`, the value to paste into ClickPipes.
 */
export class ClickPipesAccessRole extends Construct {
  /** The IAM role. */
  public readonly role: IamRole;
  /** The role's ARN: paste it into ClickPipes ("IAM role ARN"). */
  public readonly roleArn: string;
  /** The role's name. */
  public readonly roleName: string;
  /** The ClickHouse service's IAM role ARN that the role trusts. */
  public readonly clickHouseIamRoleArn: string;
  /** Whether this construct adds Terraform outputs. */
  protected readonly withOutputs: boolean;
  /** The prefix of the outputs' fixed names, if any. */
  private readonly outputPrefix?: string;
  private readonly props: ClickPipesAccessRoleProps;
  private lookedUp: { partition?: string; region?: string; accountId?: string } = {};
  /** The size of the inline policies added so far, as IAM counts it. */
  private inlinePolicySize = 0;

  /**
   * @param sourceProblems what the source type found wrong with its props: reported together
   *   with the problems of the shared props, before anything is built
   */
  constructor(
    scope: Construct,
    id: string,
    props: ClickPipesAccessRoleProps,
    trust: ClickPipesTrust,
    sourceProblems: readonly FieldProblem[] = [],
  ) {
    super(ownScope(scope, id), id);
    const arn = props.clickHouseIamRoleArn;
    const roleName = props.roleName ?? defaultRoleName(id);
    const problems: FieldProblem[] = [];
    const arnProblem = Token.isUnresolved(arn) ? undefined : clickHouseIamRoleArnProblem(arn);
    if (arnProblem) problems.push(['clickHouseIamRoleArn', arnProblem]);
    const nameProblem = Token.isUnresolved(roleName) ? undefined : roleNameProblem(roleName);
    if (nameProblem) {
      problems.push([
        'roleName',
        props.roleName === undefined ? `${nameProblem} (derived from the construct id: set roleName)` : nameProblem,
      ]);
    }
    const accountId = literal(props.accountId);
    const accountProblem = accountId === undefined ? undefined : accountIdProblem(accountId);
    if (accountProblem) problems.push(['accountId', accountProblem]);
    const region = literal(props.region);
    const literalArn = literal(arn);
    const regionProblems =
      region === undefined
        ? undefined
        : (regionProblem(region) ?? (literalArn && partitionMismatchProblem(literalArn, region)));
    if (regionProblems) problems.push(['region', regionProblems]);
    if (props.outputPrefix !== undefined && !OUTPUT_PREFIX.test(props.outputPrefix)) {
      problems.push([
        'outputPrefix',
        `${JSON.stringify(props.outputPrefix)} cannot start a Terraform output name; expected a letter or _ then letters, digits, _ or - (e.g. "orders")`,
      ]);
    }
    throwIfProblems(this.node.path, [...foreignElementProblems(props), ...problems, ...sourceProblems]);
    this.props = props;

    const trustPolicy = new DataAwsIamPolicyDocument(this, 'trust_policy', {
      statement: [
        {
          effect: 'Allow',
          actions: [...trust.trustActions],
          principals: [{ type: 'AWS', identifiers: [arn] }],
        },
      ],
    });

    this.role = new IamRole(this, 'role', {
      name: roleName,
      description:
        props.roleDescription ?? `ClickPipes access to ${trust.what}, assumed by the ClickHouse service role`,
      assumeRolePolicy: trustPolicy.json,
      // ClickHouse's role assumes this one (role chaining): AWS caps such sessions at one hour.
      maxSessionDuration: 3600,
      permissionsBoundary: props.permissionsBoundary,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.roleArn = this.role.arn;
    this.roleName = roleName;
    this.clickHouseIamRoleArn = arn;
    this.withOutputs = props.outputs ?? true;
    this.outputPrefix = props.outputPrefix;

    if (this.withOutputs) {
      this.output('role_arn', {
        value: this.role.arn,
        description: `IAM role ARN to paste into ClickPipes for ${trust.what}`,
      });
    }
  }

  /** A Terraform output of the source, named `<outputPrefix>_<id>` when `outputPrefix` is given. */
  protected output(id: string, config: TerraformOutputConfig): TerraformOutput {
    const output = new TerraformOutput(this, id, config);
    if (this.outputPrefix !== undefined) output.overrideLogicalId(`${this.outputPrefix}_${id}`);
    return output;
  }

  /**
   * The partition of the source's resources, for ARNs: from a literal `region`, or else the
   * provider's (an `aws_partition` data source `partition`, added on first use).
   */
  protected get partition(): string {
    const region = literal(this.props.region);
    if (region !== undefined) return partitionOf(region);
    return (this.lookedUp.partition ??= new DataAwsPartition(this, 'partition').partition);
  }

  /** The region of the source's resources: `region`, or the provider's (`aws_region` data source `region`). */
  protected get region(): string {
    return this.props.region ?? (this.lookedUp.region ??= new DataAwsRegion(this, 'region').region);
  }

  /** The account of the source's resources: `accountId`, or the provider's (`aws_caller_identity` data source `account`). */
  protected get accountId(): string {
    return this.props.accountId ?? (this.lookedUp.accountId ??= new DataAwsCallerIdentity(this, 'account').accountId);
  }

  /**
   * Adds an inline policy (`aws_iam_role_policy`) to the role, built as an
   * `aws_iam_policy_document` so that it reads well in both Terraform JSON and HCL.
   *
   * @param id construct id; the policy document gets `<id>_policy`
   * @param name the inline policy's name in IAM
   */
  protected addInlinePolicy(id: string, name: string, statements: DataAwsIamPolicyDocumentStatement[]): IamRolePolicy {
    // The source types refuse a grant too big before building; this catches what is added on top
    // (a subclass's further policies): IAM counts all inline policies of a role together.
    const known = new Map<string, number>();
    if (this.lookedUp.partition) known.set(this.lookedUp.partition, 10);
    if (this.lookedUp.region) known.set(this.lookedUp.region, 14);
    if (this.lookedUp.accountId) known.set(this.lookedUp.accountId, 12);
    this.inlinePolicySize += policySize(statements as StatementShape[], known);
    if (this.inlinePolicySize > ROLE_POLICY_SIZE) {
      throwIfProblems(this.node.path, [
        [
          id,
          `the role's inline policies come to ${this.inlinePolicySize.toLocaleString('en-US')} characters (white space not counted) with this one; IAM allows ${ROLE_POLICY_SIZE.toLocaleString('en-US')} for all inline policies of a role together: grant less, or on several roles`,
        ],
      ]);
    }
    const document = new DataAwsIamPolicyDocument(this, `${id}_policy`, { statement: statements });
    return new IamRolePolicy(this, id, { name, role: this.role.name, policy: document.json });
  }
}
