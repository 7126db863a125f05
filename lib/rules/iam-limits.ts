/**
 * IAM quotas that Terraform's plan does not check and `apply` runs into: the roles of an account,
 * and the size of a role's inline policies. The figures are in the versioned data file
 * `data/iam-quotas.json` (its source page and date are in the file).
 */
import data = require('../../data/iam-quotas.json');

/** The data file `data/iam-quotas.json`. */
export const IAM_QUOTAS: {
  readonly version: string;
  readonly source: { readonly url: string; readonly retrieved: string };
  readonly rolesPerAccount: { readonly default: number; readonly serviceQuotasCode: string };
  readonly rolePolicySize: { readonly default: number };
  readonly managedPolicySize: { readonly default: number };
  readonly managedPoliciesPerRole: { readonly default: number };
} = data;

/** The default IAM quota "Roles per account". */
export const DEFAULT_ROLES_PER_ACCOUNT = IAM_QUOTAS.rolesPerAccount.default;
/** The fixed limit of a role's inline policies together, in characters without white space. */
export const ROLE_POLICY_SIZE = IAM_QUOTAS.rolePolicySize.default;

/** A policy statement as `aws_iam_policy_document` takes it (the fields that count towards its size). */
export interface StatementShape {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  readonly notResources?: readonly string[];
  readonly condition?: readonly {
    readonly test: string;
    readonly variable: string;
    readonly values: readonly string[];
  }[];
}

/**
 * The size a Terraform reference (`${TfToken[…]}`) counts for: the value is not known at synth.
 * 200 characters hold any ARN these constructs name (a Kinesis stream ARN has at most 186:
 * partition 10, region 14, account 12, stream name 128).
 */
export const UNKNOWN_VALUE_LENGTH = 200;
const TOKEN = /\$\{TfToken\[[^\]]*\]\}/g;

/** The length of a string as IAM counts it once Terraform fills in `known` references (others: {@link UNKNOWN_VALUE_LENGTH}). */
function valueLength(text: string, known: ReadonlyMap<string, number>): number {
  let length = text.length;
  for (const token of text.match(TOKEN) ?? []) length += (known.get(token) ?? UNKNOWN_VALUE_LENGTH) - token.length;
  return length;
}

/**
 * The size of the policy document of `statements` as IAM counts it: the JSON without white
 * space (`{"Version":"2012-10-17","Statement":[…]}`), a one-item list written as a string, as
 * `aws_iam_policy_document` renders it.
 *
 * @param known the length of Terraform references whose length is known (the construct's own
 *   partition, region and account lookups); others count {@link UNKNOWN_VALUE_LENGTH}
 */
export function policySize(
  statements: readonly StatementShape[],
  known: ReadonlyMap<string, number> = new Map(),
): number {
  const str = (s: string) => JSON.stringify(s).length + valueLength(s, known) - s.length;
  const list = (items: readonly string[]) =>
    items.length === 1 ? str(items[0]) : 2 + items.reduce((n, s) => n + str(s), 0) + items.length - 1;
  const field = (name: string, size: number) => name.length + 3 + size; // "Name":value
  const sizes = statements.map((s) => {
    const fields: number[] = [];
    if (s.sid !== undefined) fields.push(field('Sid', str(s.sid)));
    fields.push(field('Effect', str(s.effect ?? 'Allow')));
    if (s.actions?.length) fields.push(field('Action', list(s.actions)));
    if (s.notActions?.length) fields.push(field('NotAction', list(s.notActions)));
    if (s.resources?.length) fields.push(field('Resource', list(s.resources)));
    if (s.notResources?.length) fields.push(field('NotResource', list(s.notResources)));
    if (s.condition?.length) {
      // {"Test":{"variable":values}}: tests of one operator share an object.
      const tests = new Map<string, number[]>();
      for (const c of s.condition) tests.set(c.test, [...(tests.get(c.test) ?? []), field(c.variable, list(c.values))]);
      const inner = [...tests].map(([test, vars]) =>
        field(test, 2 + vars.reduce((n, v) => n + v, 0) + vars.length - 1),
      );
      fields.push(field('Condition', 2 + inner.reduce((n, v) => n + v, 0) + inner.length - 1));
    }
    return 2 + fields.reduce((n, f) => n + f, 0) + fields.length - 1;
  });
  const statementList = 2 + sizes.reduce((n, s) => n + s, 0) + Math.max(0, sizes.length - 1);
  return 2 + field('Version', str('2012-10-17')) + 1 + field('Statement', statementList);
}

/**
 * The problem of a source whose inline policy would exceed {@link ROLE_POLICY_SIZE}, on the list
 * field that makes it big, or undefined when it fits.
 *
 * @param items the list (streams, buckets, topics)
 * @param build the policy statements of the first `n` items (with what the source always grants)
 * @param fix what to do about it, after "at most N of these fit"
 */
export function rolePolicySizeProblem<T>(
  items: readonly T[],
  what: string,
  build: (items: readonly T[]) => readonly StatementShape[],
  fix: string,
  known?: ReadonlyMap<string, number>,
): string | undefined {
  const size = policySize(build(items), known);
  if (size <= ROLE_POLICY_SIZE) return undefined;
  let fit = 0;
  let over = items.length;
  while (over - fit > 1) {
    const mid = (fit + over) >> 1;
    if (policySize(build(items.slice(0, mid)), known) <= ROLE_POLICY_SIZE) fit = mid;
    else over = mid;
  }
  return (
    `${items.length} ${what} make the role's inline policy ${size.toLocaleString('en-US')} characters (white space not counted); ` +
    `IAM allows ${ROLE_POLICY_SIZE.toLocaleString('en-US')} for all inline policies of a role together, a limit that cannot be raised: ` +
    `at most ${fit} of these fit; ${fix}`
  );
}

/** The problem of an account whose config creates more roles than its quota "Roles per account", or undefined. */
export function rolesPerAccountProblem(
  roles: number,
  accountId: string,
  quota: number | undefined,
): string | undefined {
  const limit = quota ?? DEFAULT_ROLES_PER_ACCOUNT;
  if (roles <= limit) return undefined;
  const code = IAM_QUOTAS.rolesPerAccount.serviceQuotasCode;
  return quota === undefined
    ? `${roles.toLocaleString('en-US')} IAM roles in account ${accountId}, one per source; the default IAM quota "Roles per account" is ${limit.toLocaleString('en-US')} (the account's other roles count too): request an increase in Service Quotas (IAM, ${code}) and state it as iamQuotas.rolesPerAccount, or spread the sources over accounts`
    : `${roles.toLocaleString('en-US')} IAM roles in account ${accountId}, one per source, over the stated quota "Roles per account" of ${limit.toLocaleString('en-US')} (iamQuotas.rolesPerAccount): request a higher one in Service Quotas (IAM, ${code}) and state it, or spread the sources over accounts`;
}
