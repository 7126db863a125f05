/**
 * The version constraint of `hashicorp/aws` in each stack (issue 10, item 10): `~> 6.25` by
 * default rather than cdktf's exact `6.25.0`, widened or pinned by the config (top level or
 * account entry) or, for construct users, by {@link setAwsProviderVersion}. Terraform itself
 * shows that the constraint is the one it applies: `terraform init` against the provider mirror
 * (5.100.0 here) fails under the default and succeeds under a constraint that admits it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DEFAULT_AWS_PROVIDER_VERSION, parseConfig, setAwsProviderVersion, synthesize } from '../lib';
import { TEST_FRAMEWORK, inputProblems, tempFolders } from './helpers';
import { valid } from './verify/bad-configs';
import { runProcess } from './verify/run-process';
import { terraformAvailability, terraformEnv } from './verify/terraform';

const temp = tempFolders('cpa-provider-version-');

/** The binding's version, its default constraint and the provider source each framework writes. */
const BINDING =
  TEST_FRAMEWORK === 'cdktf'
    ? { version: '6.25.0', constraint: '~> 6.25', source: 'aws' }
    : { version: '6.66.0', constraint: '~> 6.66', source: 'hashicorp/aws' };

/** The `required_providers.aws` of each stack a config synthesizes (JSON), and the HCL's version line. */
function requiredAws(raw: unknown): { json: Record<string, unknown>[]; hcl: string[]; dir: string } {
  const dir = temp();
  const config = parseConfig(raw);
  const stacks = synthesize(config, { outdir: path.join(dir, 'json') });
  synthesize(config, { outdir: path.join(dir, 'hcl'), hcl: true });
  return {
    dir,
    json: stacks.map((s) => {
      const tf = JSON.parse(fs.readFileSync(path.join(dir, 'json', 'stacks', s, 'cdk.tf.json'), 'utf8'));
      return tf.terraform.required_providers.aws;
    }),
    hcl: stacks.map(
      (s) =>
        /aws = \{\s*version = "([^"]*)"/.exec(
          fs.readFileSync(path.join(dir, 'hcl', 'stacks', s, 'cdk.tf'), 'utf8'),
        )![1],
    ),
  };
}

/** The valid config with two accounts, the second `second`. */
function twoAccounts(top: Record<string, unknown> = {}, second: Record<string, unknown> = {}) {
  const c = valid() as unknown as { accounts: Record<string, unknown>[] } & Record<string, unknown>;
  c.accounts.push({ ...structuredClone(c.accounts[0]), name: 'staging', accountId: '210987654321', ...second });
  return { ...c, ...top };
}

test(`the default is "${BINDING.constraint}" in JSON and HCL (${TEST_FRAMEWORK}), not the exact version of the binding`, () => {
  expect(DEFAULT_AWS_PROVIDER_VERSION).toBe(BINDING.constraint);
  const { json, hcl } = requiredAws(twoAccounts());
  expect(json).toEqual([
    { source: BINDING.source, version: BINDING.constraint },
    { source: BINDING.source, version: BINDING.constraint },
  ]);
  expect(hcl).toEqual([BINDING.constraint, BINDING.constraint]);
});

test('a config widens or pins it, at the top level or per account entry (the entry wins)', () => {
  const { json, hcl } = requiredAws(
    twoAccounts({ awsProviderVersion: '>= 6.0, < 7' }, { awsProviderVersion: '6.31.0' }),
  );
  expect(json.map((r) => r.version)).toEqual(['>= 6.0, < 7', '6.31.0']);
  expect(hcl).toEqual(['>= 6.0, < 7', '6.31.0']);
});

test('a constraint Terraform would not read is refused, naming the field', () => {
  for (const bad of ['', 'latest', '~> 6.x', '>= 6.25,, < 7', '6.25.0.1']) {
    expect(inputProblems(() => parseConfig(twoAccounts({}, { awsProviderVersion: bad }), 'c.json'))).toEqual([
      expect.stringMatching(
        /^c\.json: accounts\[1\]\.awsProviderVersion: .* is not a Terraform version constraint; expected one like "~> 6\.25"/,
      ),
    ]);
  }
});

test('construct users set it on their own stack', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'mine');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  setAwsProviderVersion(stack, '>= 6.25, < 8');
  expect(JSON.parse(Testing.synth(stack)).terraform.required_providers.aws.version).toBe('>= 6.25, < 8');
  expect(inputProblems(() => setAwsProviderVersion(stack, 'six'))).toEqual([
    expect.stringMatching(/^mine\.awsProviderVersion: "six" is not a Terraform version constraint/),
  ]);
  // Without the call, the framework's exact version stays: the library does not change a user's stack.
  const plain = new TerraformStack(app, 'plain');
  new AwsProvider(plain, 'aws', { region: 'us-east-1' });
  expect(JSON.parse(Testing.synth(plain)).terraform.required_providers.aws.version).toBe(BINDING.version);
});

const tf = terraformAvailability();
(tf.ok ? test : test.skip)(
  "terraform init applies the constraint: the mirror's provider is refused by the default, accepted when a config admits it",
  async () => {
    if (!tf.ok) return;
    const init = async (constraint?: string) => {
      const { dir } = requiredAws(twoAccounts(constraint ? { awsProviderVersion: constraint } : {}));
      const stack = path.join(dir, 'json', 'stacks', 'prod');
      return runProcess(
        'terraform',
        ['init', '-backend=false', `-plugin-dir=${tf.pluginDir}`, '-input=false', '-no-color'],
        {
          cwd: stack,
          env: terraformEnv(),
        },
      );
    };
    const refused = await init();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr + refused.stdout).toContain(BINDING.constraint);
    const accepted = await init(`>= ${tf.awsVersion}, < 7`);
    expect(accepted.stderr).toBe('');
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain(`Installed hashicorp/aws v${tf.awsVersion}`);
  },
  120_000,
);
