/** The account the credentials reach, and each source's IAM role against what its stack synthesizes. */
import type { StackSpec } from '../config/stacks';
import { StackClients } from './aws';
import { call, faultCheck } from './aws-calls';
import type { GetCallerIdentityOutput, GetRoleOutput, GetRolePolicyOutput, ListRolePoliciesOutput } from './sdk-shapes';
import { ExpectedRole } from './expected';
import { Check, check, fail, pass } from './model';
import { PolicyDocument, policyDifferences } from './policy';
import { FRAMEWORK } from '../framework';

/** The fix that puts back what the stack synthesizes (with the CLI of this build's framework: cdktf or cdktn). */
export const applyFix = (stack: string) =>
  `run \`CHECKPOINT_DISABLE=1 ${FRAMEWORK.name} deploy ${stack}\` (or terraform apply in cdktf.out/stacks/${stack}) to put back what the stack synthesizes`;

/** STS GetCallerIdentity against the entry's `accountId`. */
export async function accountCheck(stack: StackSpec, clients: StackClients): Promise<Check> {
  const name = `AWS credentials reach account ${stack.accountId}`;
  const { m, c } = await clients.sts();
  const r = await call(() => c.send<GetCallerIdentityOutput>(new m.GetCallerIdentityCommand({})));
  if (r.fault) {
    const via = stack.assumeRole ? ` and may assume ${stack.assumeRole.roleArn}` : '';
    return r.fault.kind === 'access-denied'
      ? fail(
          name,
          `use credentials that are valid${via} (aws sts get-caller-identity; AWS_PROFILE=…)`,
          `${r.fault.name}: ${r.fault.message}`,
        )
      : faultCheck(name, 'sts:GetCallerIdentity', r.fault);
  }
  const account = r.value.Account ?? '';
  return check(
    name,
    account === stack.accountId,
    stack.assumeRole
      ? `${stack.assumeRole.roleArn} is in account ${account}: correct accounts[].accountId or assumeRoleArn`
      : `the credentials are of account ${account}: use a profile of ${stack.accountId} (AWS_PROFILE=…), or set assumeRoleArn on the account entry`,
    account === stack.accountId ? undefined : `account ${account}`,
  );
}

const decode = (text: string | undefined): PolicyDocument =>
  JSON.parse(decodeURIComponent(text ?? '%7B%7D')) as PolicyDocument;

/** GetRole, ListRolePolicies, GetRolePolicy: the role exists and its policies are the stack's. Also returns the role's inline policies. */
export async function roleChecks(
  stack: StackSpec,
  clients: StackClients,
  expected: ExpectedRole,
): Promise<{ checks: Check[]; policies: PolicyDocument[] }> {
  const { m, c } = await clients.iam();
  const role = expected.roleName;
  const exists = `IAM role ${role} exists`;
  const got = await call(() => c.send<GetRoleOutput>(new m.GetRoleCommand({ RoleName: role })));
  if (got.fault) return { checks: [faultCheck(exists, 'iam:GetRole', got.fault, applyFix(stack.name))], policies: [] };
  const checks: Check[] = [pass(exists)];
  const trustDiff = policyDifferences(expected.trust, decode(got.value.Role?.AssumeRolePolicyDocument));
  checks.push(
    check(
      `trust policy of ${role} is the stack's`,
      trustDiff.length === 0,
      applyFix(stack.name),
      trustDiff.join('; ') || undefined,
    ),
  );

  const listed = await call(() => c.send<ListRolePoliciesOutput>(new m.ListRolePoliciesCommand({ RoleName: role })));
  if (listed.fault)
    return {
      checks: [...checks, faultCheck(`inline policies of ${role}`, 'iam:ListRolePolicies', listed.fault)],
      policies: [],
    };
  const names = listed.value.PolicyNames ?? [];
  const policies: PolicyDocument[] = [];
  for (const [policyName, want] of Object.entries(expected.policies)) {
    const name = `inline policy ${policyName} of ${role} is the stack's`;
    if (!names.includes(policyName)) {
      checks.push(fail(name, applyFix(stack.name), 'missing'));
      continue;
    }
    const p = await call(() =>
      c.send<GetRolePolicyOutput>(new m.GetRolePolicyCommand({ RoleName: role, PolicyName: policyName })),
    );
    if (p.fault) {
      checks.push(faultCheck(name, 'iam:GetRolePolicy', p.fault, applyFix(stack.name)));
      continue;
    }
    const have = decode(p.value.PolicyDocument);
    policies.push(have);
    const diff = policyDifferences(want, have);
    checks.push(check(name, diff.length === 0, applyFix(stack.name), diff.join('; ') || undefined));
  }
  for (const extra of names.filter((n) => !(n in expected.policies))) {
    checks.push(
      fail(
        `inline policy ${extra} of ${role} is not in the stack`,
        `remove it (aws iam delete-role-policy --role-name ${role} --policy-name ${extra}), or add what it grants to the config`,
      ),
    );
  }
  return { checks, policies };
}
