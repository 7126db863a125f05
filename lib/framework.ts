/**
 * The CDK framework this build of the package is for, and the refusal of constructs from the other.
 *
 * One source builds two packages (scripts/build-cdktn.js): `cdktf-clickpipes-aws` on CDK for
 * Terraform (`cdktf` 0.21, `@cdktf/provider-aws`, archived) and `cdktn-clickpipes-aws` on its
 * maintained fork CDK Terrain (`cdktn`, `@cdktn/provider-aws`). The cdktn build is this source
 * with the imports of `cdktf` and `@cdktf/…` renamed; everything here follows from the packages
 * those imports reach, so each build describes itself.
 *
 * The two frameworks mark their classes with the same symbols (`Symbol.for('cdktf/TerraformStack')`),
 * so a construct of one build placed in a stack of the other is not refused by either framework:
 * it fails deep in synth, or (an `instanceof` that fails across the two provider packages)
 * writes wrong output. Each construct of this package therefore checks its scope and the
 * resources it is given first.
 */
import { App, TerraformElement, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { FieldProblem, throwIfProblems } from './errors';
import frameworkPackage = require('cdktf/package.json');
import awsProviderPackage = require('@cdktf/provider-aws/package.json');

/** The two frameworks, and the package of this project built for each. */
const PACKAGES = { cdktf: 'cdktf-clickpipes-aws', cdktn: 'cdktn-clickpipes-aws' } as const;
export type FrameworkName = keyof typeof PACKAGES;

/** What this build runs on. */
export const FRAMEWORK: {
  /** `cdktf` or `cdktn`. */
  readonly name: FrameworkName;
  /** The framework's version (of the package this build resolved). */
  readonly version: string;
  /** This project's package for the framework. */
  readonly packageName: string;
  /** The version of `hashicorp/aws` that the provider binding was generated from (6.25.0, 6.66.0). */
  readonly awsProviderVersion: string;
} = {
  name: frameworkPackage.name as FrameworkName,
  version: frameworkPackage.version,
  packageName: PACKAGES[frameworkPackage.name as FrameworkName],
  awsProviderVersion: awsProviderPackage.cdktf.provider.version,
};

/**
 * The framework (`cdktn 0.24.0`) whose class a stack or resource's class extends, from the jsii
 * type info every class of both frameworks and their provider packages carries.
 */
function frameworkOf(value: object): string {
  const RTTI = Symbol.for('jsii.rtti');
  for (let c: unknown = value.constructor; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const info = Object.prototype.hasOwnProperty.call(c, RTTI)
      ? (c as unknown as Record<symbol, { fqn?: string; version?: string }>)[RTTI]
      : undefined;
    const name = info?.fqn?.split('.')[0];
    if (name && !name.startsWith('@') && info?.version) return `${name} ${info.version}`;
  }
  return 'an unknown framework';
}

/** What to use instead: the package of the other framework, or one copy of this one. */
function advice(foreign: string): string {
  const other = (Object.keys(PACKAGES) as FrameworkName[]).find((n) => n !== FRAMEWORK.name)!;
  return foreign.startsWith(`${other} `)
    ? `in a ${other} app use ${PACKAGES[other]}, or build the stack with ${FRAMEWORK.name}`
    : `make the app and ${FRAMEWORK.packageName} resolve one copy of ${FRAMEWORK.name} (npm ls ${FRAMEWORK.name})`;
}

/**
 * Why `scope` cannot hold a construct of this build: it lies in a `TerraformStack` of another
 * framework (or another copy of this one), or, outside any stack, in an `App` of one; undefined
 * when it can (or lies in neither, which the framework itself reports).
 */
export function foreignScopeProblem(scope: IConstruct): string | undefined {
  const scopes = [...scope.node.scopes].reverse();
  const stack: IConstruct | undefined = scopes.find((s) => TerraformStack.isStack(s));
  if (stack) {
    if (stack instanceof TerraformStack) return undefined;
    const foreign = frameworkOf(stack);
    return `stack ${stack.node.path} is a TerraformStack of ${foreign}, and ${FRAMEWORK.packageName} is built on ${FRAMEWORK.name} ${FRAMEWORK.version}: ${advice(foreign)}`;
  }
  const app: IConstruct | undefined = scopes.find((s) => App.isApp(s));
  if (!app || app instanceof App) return undefined;
  const foreign = frameworkOf(app);
  return `the scope is an App of ${foreign}, and ${FRAMEWORK.packageName} is built on ${FRAMEWORK.name} ${FRAMEWORK.version}: ${advice(foreign)}`;
}

/**
 * Why `value` cannot be used: a Terraform resource of another framework's
 * provider package (its class checks would fail, and the output be wrong); undefined otherwise.
 */
export function foreignElementProblem(value: unknown): string | undefined {
  if (!TerraformElement.isTerraformElement(value)) return undefined;
  const element: IConstruct = value;
  if (element instanceof TerraformElement) return undefined;
  const foreign = frameworkOf(element);
  return `${element.node.path} is a resource of ${foreign}, and ${FRAMEWORK.packageName} is built on ${FRAMEWORK.name} ${FRAMEWORK.version}: ${advice(foreign)}`;
}

/** The problems of the props (one level deep, lists too) that hold resources of another framework. */
export function foreignElementProblems(props: object): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, value] of Object.entries(props)) {
    const items: [string, unknown][] = Array.isArray(value)
      ? value.map((v, n) => [`${field}[${n}]`, v])
      : [[field, value]];
    for (const [name, item] of items) {
      const problem = foreignElementProblem(item);
      if (problem) problems.push([name, problem]);
    }
  }
  return problems;
}

/**
 * The problems of a failed validation of the framework itself (`Validation failed with the
 * following errors:` and one `[path] problem` line each, which synth throws), or undefined for any
 * other error. cdktn checks, for one, the features a stack uses against the Terraform versions the
 * project declares in cdktf.json (`targetVersions`): a user's setting, not a bug.
 */
export function frameworkValidationProblems(e: unknown): string[] | undefined {
  if (!(e instanceof Error) || !e.message.startsWith('Validation failed with the following errors:')) return undefined;
  return e.message
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('['));
}

/**
 * `scope`, after refusing it with a {@link ClickPipesInputError} (`PATH/ID.scope: …`) when it lies
 * in a stack of another framework. Constructs pass their scope through it to their base class,
 * so nothing is built and the app's construct tree gets no node.
 */
export function ownScope<T extends IConstruct>(scope: T, id: string): T {
  const problem = foreignScopeProblem(scope);
  if (problem) throwIfProblems(scope.node.path ? `${scope.node.path}/${id}` : id, [['scope', problem]]);
  return scope;
}
