/**
 * The verification helpers themselves: the policy resolver reads every form a policy can take
 * in Terraform JSON, and the IAM catalog check refuses what AWS would refuse (or what grants
 * more than it names). Each refusal here is a policy this project must never emit.
 */
import { Fn } from 'cdktf';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import { expectCatalogValid, policyProblems } from './verify/catalog';
import { IamPolicy, ResolvedPolicy, STAND_IN_ACCOUNT, stackPolicies } from './verify/policies';
import { CLICKHOUSE_ROLE, checkRecordedSynths, synthStack } from './helpers';

const TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { AWS: CLICKHOUSE_ROLE } }],
};

/** A stack with one role `r` (trust `trust`) and one inline policy `p` (`policy`), both as given. */
function roleStack(
  policy: (scope: Construct) => string,
  trust: (scope: Construct) => string = () => JSON.stringify(TRUST),
) {
  return synthStack((scope) => {
    const role = new IamRole(scope, 'r', { name: 'ClickHouseAccessRole-t', assumeRolePolicy: trust(scope) });
    new IamRolePolicy(scope, 'p', { role: role.name, policy: policy(scope) });
  });
}

const inline = (synth: string) => stackPolicies(synth).find((p) => p.resourceType === 'aws_iam_role_policy')!;

describe('the policy resolver', () => {
  test('renders a policy document data source as the AWS provider does, with its references resolved', () => {
    const synth = roleStack((scope) => {
      const region = new DataAwsRegion(scope, 'region');
      const partition = new DataAwsPartition(scope, 'partition');
      const account = new DataAwsCallerIdentity(scope, 'account');
      return new DataAwsIamPolicyDocument(scope, 'doc', {
        statement: [
          {
            sid: 'Read',
            actions: ['kinesis:DescribeStream', 'kinesis:GetRecords'],
            resources: [`arn:${partition.partition}:kinesis:${region.region}:${account.accountId}:stream/s`],
            condition: [{ test: 'StringEquals', variable: 'aws:PrincipalTag/team', values: ['&{aws:username}'] }],
          },
          { effect: 'Deny', actions: ['kinesis:DeleteStream'], resources: ['*'] },
        ],
      }).json;
    });
    const p = inline(synth);
    expect(p).toMatchObject({ kind: 'identity', role: { name: 'ClickHouseAccessRole-t' }, unresolved: [] });
    expect(p.standIns).toEqual(['data.aws_caller_identity.account.account_id']);
    expect(p.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Read',
          Effect: 'Allow',
          Action: ['kinesis:DescribeStream', 'kinesis:GetRecords'],
          Resource: `arn:aws:kinesis:us-east-1:${STAND_IN_ACCOUNT}:stream/s`,
          Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } },
        },
        { Effect: 'Deny', Action: 'kinesis:DeleteStream', Resource: '*' },
      ],
    });
  });

  test('reads jsonencode and JSON-string policies, references included', () => {
    const synth = roleStack(
      (scope) =>
        Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'rds-db:connect',
              Resource: `arn:aws:rds-db:${new DataAwsRegion(scope, 'region').region}:123456789012:dbuser:db-ABC/u`,
              Condition: { Bool: { 'aws:SecureTransport': [true] } },
            },
          ],
        }),
      () => JSON.stringify(TRUST),
    );
    expect(inline(synth).policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'rds-db:connect',
        Resource: 'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/u',
        Condition: { Bool: { 'aws:SecureTransport': [true] } },
      },
    ]);
    const trust = stackPolicies(synth).find((p) => p.kind === 'trust')!;
    expect(trust.policy).toEqual(TRUST);
    expect(trust.role!.arn).toBe(`arn:aws:iam::${STAND_IN_ACCOUNT}:role/ClickHouseAccessRole-t`);
  });

  test('gives resource IDs known only after apply a well-formed stand-in, and lists it', () => {
    const synth = roleStack((scope) => {
      const db = new DbInstance(scope, 'db', { engine: 'postgres', instanceClass: 'db.t4g.micro' });
      return JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'rds-db:connect',
            Resource: `arn:aws:rds-db:us-east-1:1:dbuser:${db.resourceId}/u`,
          },
        ],
      });
    });
    const p = inline(synth);
    expect(p.policy.Statement[0].Resource).toMatch(/^arn:aws:rds-db:us-east-1:1:dbuser:db-UNKNOWN[0-9A-F]{12}\/u$/);
    expect(p.standIns).toEqual(['aws_db_instance.db.resource_id']);
  });

  test('leaves a reference it has no rule for in place, listed, and the catalog check skips that resource', async () => {
    const synth = roleStack((scope) => {
      const other = new IamRole(scope, 'other', { name: 'x', assumeRolePolicy: JSON.stringify(TRUST) });
      return JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: `${other.uniqueId}` }],
      });
    });
    const p = inline(synth);
    expect(p.unresolved).toEqual(['aws_iam_role.other.unique_id']);
    expect(await policyProblems(p)).toEqual([]);
  });

  test('refuses a policy-holding resource type it does not know, rather than skip it', () => {
    const synth = JSON.stringify({ resource: { aws_ecr_repository_policy: { r: { policy: '{}' } } } });
    expect(() => stackPolicies(synth)).toThrow(/aws_ecr_repository_policy\.r\.policy looks like a policy/);
  });
});

describe('the IAM catalog check refuses', () => {
  const identity = (Statement: IamPolicy['Statement'], kind: ResolvedPolicy['kind'] = 'identity'): ResolvedPolicy => ({
    where: 'test',
    kind,
    resourceType: 'aws_iam_role_policy',
    policy: { Version: '2012-10-17', Statement },
    role: { name: 'r', arn: 'arn:aws:iam::123456789012:role/r' },
    standIns: [],
    unresolved: [],
  });
  const DB_USER = 'arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/clickpipes_iam_user';

  test('nothing in a good policy', async () => {
    expect(await policyProblems(identity([{ Effect: 'Allow', Action: 'rds-db:connect', Resource: DB_USER }]))).toEqual(
      [],
    );
    expect(
      await policyProblems(
        identity(
          [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: CLICKHOUSE_ROLE } }],
          'trust',
        ),
      ),
    ).toEqual([]);
  });

  test.each<[string, IamPolicy['Statement'], RegExp]>([
    [
      'an action that does not exist',
      [{ Effect: 'Allow', Action: 'rds:connect', Resource: DB_USER }],
      /"rds:connect" does not exist/,
    ],
    ['a misspelt action', [{ Effect: 'Allow', Action: 'rds-db:conect', Resource: DB_USER }], /does not exist/],
    ['an unknown service', [{ Effect: 'Allow', Action: 'rdsdb:connect', Resource: DB_USER }], /no IAM service "rdsdb"/],
    [
      'a wildcard that matches nothing',
      [{ Effect: 'Allow', Action: 'rds-db:read*', Resource: DB_USER }],
      /matches no action/,
    ],
    [
      'a resource-level action on *',
      [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: '*' }],
      /takes resource types \(db-user\); name the resource/,
    ],
    [
      'a resource of another type',
      [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: 'arn:aws:rds:us-east-1:123456789012:db:orders' }],
      /matches no resource type of the action; expected rds-db:connect: arn:\$\{Partition\}:rds-db:/,
    ],
    [
      'a wildcard-only action on a resource',
      [{ Effect: 'Allow', Action: 'kinesis:ListStreams', Resource: 'arn:aws:kinesis:us-east-1:123456789012:stream/s' }],
      /kinesis:ListStreams: only "\*"/,
    ],
    ['Action "*"', [{ Effect: 'Allow', Action: '*', Resource: '*' }], /grants everything/],
    ['NotAction', [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }], /NotAction is not used/],
    ['no Resource', [{ Effect: 'Allow', Action: 'rds-db:connect' }], /no Resource/],
    [
      'an unknown condition key',
      [
        {
          Effect: 'Allow',
          Action: 'rds-db:connect',
          Resource: DB_USER,
          Condition: { StringEquals: { 'aws:SourceAccont': '1' } },
        },
      ],
      /no such condition key/,
    ],
    [
      'a principal in an identity policy',
      [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: DB_USER, Principal: { AWS: CLICKHOUSE_ROLE } }],
      /Principal in an identity policy/,
    ],
  ])('%s', async (_what, statements, problem) => {
    expect((await policyProblems(identity(statements))).join('\n')).toMatch(problem);
  });

  test.each<[string, IamPolicy['Statement'], RegExp]>([
    [
      'a trust action that does not apply to a role',
      [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Principal: { AWS: CLICKHOUSE_ROLE } }],
      /only "\*"/,
    ],
    [
      'a trust policy open to everyone',
      [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }],
      /lets anyone in/,
    ],
    [
      'a principal that is no ARN',
      [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'CH-S3-example-Role' } }],
      /not a principal IAM accepts/,
    ],
    ['a trust statement without principal', [{ Effect: 'Allow', Action: 'sts:AssumeRole' }], /without Principal/],
  ])('in a trust policy: %s', async (_what, statements, problem) => {
    expect((await policyProblems(identity(statements, 'trust'))).join('\n')).toMatch(problem);
  });

  test('and names the policy by its Terraform address', async () => {
    const synth = roleStack(() =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'rds-db:connect', Resource: '*' }],
      }),
    );
    await expect(expectCatalogValid(synth, 'the stack')).rejects.toThrow(
      /^the stack: the IAM catalog refuses 1 thing\(s\):\n {2}aws_iam_role_policy\.p\.policy: Statement\[0\]: "rds-db:connect" on "\*"/,
    );
    // synthStack recorded it for the after-test check too: take it back, it is meant to be bad.
    await expect(checkRecordedSynths()).rejects.toThrow(/refuses/);
  });
});
