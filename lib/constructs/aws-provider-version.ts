/**
 * The version constraint of the `hashicorp/aws` provider in a stack's `required_providers`.
 *
 * The framework writes the exact version its binding was generated from (`@cdktf/provider-aws`
 * 21.22.1: `6.25.0`; `@cdktn/provider-aws` 25.7.0: `6.66.0`), so a team whose lock file or
 * provider mirror holds another 6.x cannot `terraform init`. The default here is `~> MAJOR.MINOR`
 * of the binding (`~> 6.25` on cdktf, `~> 6.66` on cdktn): at least the binding's version (the
 * arguments it writes exist from there on) and below the next major version, which may remove or
 * rename them (the AWS provider follows semantic versioning). `~>` is the form Terraform's
 * documentation recommends for providers in root modules. A config (`awsProviderVersion`) or a
 * construct user ({@link setAwsProviderVersion}) can widen or pin it.
 */
import { TerraformStack } from 'cdktf';
import { throwIfProblems } from '../errors';
import { FRAMEWORK } from '../framework';

/** The default constraint: the binding's MAJOR.MINOR or any later version of that major one. */
export const DEFAULT_AWS_PROVIDER_VERSION = `~> ${FRAMEWORK.awsProviderVersion.split('.').slice(0, 2).join('.')}`;

const CONSTRAINT = /^\s*(=|!=|>|>=|<|<=|~>)?\s*v?\d+(\.\d+){0,2}(-[0-9A-Za-z.-]+)?\s*$/;

/**
 * The problem of a Terraform version constraint (`"~> 6.25"`, `">= 6.25, < 7"`, `"6.31.0"`), or
 * undefined when Terraform reads it.
 */
export function providerVersionProblem(constraint: string): string | undefined {
  const parts = constraint.split(',');
  if (constraint.trim() !== '' && parts.every((p) => CONSTRAINT.test(p))) return undefined;
  return `${JSON.stringify(constraint)} is not a Terraform version constraint; expected one like "~> 6.25", ">= 6.25, < 7" or "6.25.0" (comma-separated operators =, !=, >, >=, <, <=, ~> and versions)`;
}

/**
 * Sets the version constraint of `hashicorp/aws` in `stack`'s `required_providers` (the stack
 * must hold an `AwsProvider`): `"~> 6.25"` by default (cdktf; `"~> 6.66"` on cdktn), or one that widens it (`">= 6.0, < 7"`) or
 * pins it (`"6.31.0"`).
 *
 * @throws ClickPipesInputError for a constraint Terraform would not read
 */
export function setAwsProviderVersion(stack: TerraformStack, constraint: string = DEFAULT_AWS_PROVIDER_VERSION): void {
  const problem = providerVersionProblem(constraint);
  if (problem) throwIfProblems(stack.node.path, [['awsProviderVersion', problem]]);
  stack.addOverride('terraform.required_providers.aws.version', constraint.trim());
}
