/**
 * Terraform itself, with the real AWS provider (a local mirror; see verify/terraform.ts):
 * every stack of the default app and of the test configs, in JSON and in HCL, passes
 * `terraform validate`; the stacks whose inputs are all literal go through an offline
 * `terraform plan`, and the policies in the plan (what AWS would receive) pass the IAM catalog
 * check and the simulation.
 *
 * Where terraform or the mirrored provider is missing, the tests are skipped, saying why.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
import { policyProblems } from './verify/catalog';
import { LITERAL_CONFIG, MATRIX_CONFIG } from './verify/configs';
import { count } from './verify/counts';
import { IamPolicy, ResolvedPolicy, normalizePolicy, stackPolicies } from './verify/policies';
import { RawConfig, RoleUnderTest, simulateAccount } from './verify/simulation';
import { Diagnostic, PlannedChange, TerraformRoot, terraformAvailability } from './verify/terraform';

const tf = terraformAvailability();
if (!tf.ok) console.warn(`Terraform tests skipped: ${tf.reason}`);
const suite = tf.ok ? describe : describe.skip;

type Form = 'json' | 'hcl';
const FORMS: Form[] = ['json', 'hcl'];

/** [module name, config name, stack, form] of every stack copy Terraform runs on. */
const CONFIGS: Record<string, RawConfig> = {
  default: EXAMPLE_CONFIG as unknown as RawConfig,
  matrix: MATRIX_CONFIG,
  literal: LITERAL_CONFIG,
};
const stacksOf = (config: string) => CONFIGS[config].accounts.map((a) => a.name);
const ALL = Object.keys(CONFIGS).flatMap((config) =>
  stacksOf(config).flatMap((stack) =>
    FORMS.map((form) => [`${config}_${stack}_${form}`, config, stack, form] as const),
  ),
);
/** Planned, and so validated too (a plan validates first): the stacks with literal inputs only. */
const PLANNED = ALL.filter(([, config]) => config === 'literal');
/** Validated only: the others (each child module costs about half a second of provider start-up). */
const VALIDATED = ALL.filter(([, config]) => config !== 'literal');
/** A copy of a stack with an argument the AWS provider does not have: validate must catch it. */
const CANARY = 'canary_broken_copy';

suite(
  tf.ok
    ? `terraform, hashicorp/aws ${tf.awsVersion} from ${tf.pluginDir}`
    : `terraform (skipped: ${!tf.ok && tf.reason})`,
  () => {
    let work: string;
    let diagnostics: Diagnostic[];
    let changes: PlannedChange[];
    const synthDir = (config: string, form: Form) => path.join(work, 'synth', `${config}-${form}`);

    beforeAll(async () => {
      if (!tf.ok) return;
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-terraform-'));
      for (const config of Object.keys(CONFIGS)) {
        for (const form of FORMS) {
          synthesize(parseConfig(CONFIGS[config]), { outdir: synthDir(config, form), hcl: form === 'hcl' });
        }
      }
      const stackDir = (config: string, stack: string, form: Form) =>
        path.join(synthDir(config, form), 'stacks', stack);
      const validate = new TerraformRoot(path.join(work, 'validate'), tf);
      for (const [name, config, stack, form] of VALIDATED) validate.addStack(name, stackDir(config, stack, form));
      validate.addStack(CANARY, stackDir('default', 'prod', 'json'), (text) =>
        text.replace('"max_session_duration"', '"max_session_duraton"'),
      );
      const plan = new TerraformRoot(path.join(work, 'plan'), tf);
      for (const [name, config, stack, form] of PLANNED) plan.addStack(name, stackDir(config, stack, form));

      await Promise.all([validate.init(), plan.init()]);
      const [validated, planned] = await Promise.all([
        validate.run(['validate', '-json', '-no-color']),
        plan.run(['plan', '-refresh=false', '-lock=false', '-input=false', '-no-color', '-out=plan.bin']),
      ]);
      diagnostics = (JSON.parse(validated.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
      if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stdout}\n${planned.stderr}`);
      const shown = await plan.run(['show', '-json', 'plan.bin']);
      changes = (JSON.parse(shown.stdout) as { resource_changes: PlannedChange[] }).resource_changes;
    }, 240_000);

    afterAll(() => work && fs.rmSync(work, { recursive: true, force: true }));

    const errorsOf = (module: string) =>
      diagnostics
        .filter((d) => d.severity === 'error' && (!d.range || d.range.filename.startsWith(`${module}/`)))
        .map((d) => `${d.range?.filename ?? '(no file)'}: ${d.summary}: ${d.detail ?? ''}`);

    test.each(VALIDATED)('%s: terraform validate finds no error', (module) => {
      expect(errorsOf(module)).toEqual([]);
      count('stacks validated by terraform');
    });

    test('a copy with a misspelt argument fails validation (the check can fail)', () => {
      expect(errorsOf(CANARY)).toEqual([
        expect.stringMatching(
          /^canary_broken_copy\/cdk\.tf\.json: .*No argument or block type is named "max_session_duraton"/,
        ),
      ]);
    });

    describe.each(PLANNED)('%s: the offline plan', (module, config, stack, form) => {
      const accountIndex = CONFIGS[config].accounts.findIndex((a) => a.name === stack);
      const account = CONFIGS[config].accounts[accountIndex];
      const ofModule = () => changes.filter((c) => c.module_address === `module.${module}`);
      /** The planned policies, as AWS would receive them. */
      const planned = () =>
        ofModule().flatMap((c): ResolvedPolicy[] => {
          const after = c.change.after!;
          const arn = (name: string) => `arn:aws:iam::${account.accountId}:role/${name}`;
          const policy = (text: unknown) => JSON.parse(text as string) as IamPolicy;
          const base = { where: c.address, resourceType: c.type, standIns: [], unresolved: [] };
          if (c.type === 'aws_iam_role') {
            const name = after.name as string;
            return [
              { ...base, kind: 'trust', policy: policy(after.assume_role_policy), role: { name, arn: arn(name) } },
            ];
          }
          if (c.type === 'aws_iam_role_policy') {
            const name = after.role as string;
            return [{ ...base, kind: 'identity', policy: policy(after.policy), role: { name, arn: arn(name) } }];
          }
          return [];
        });

      test('creates only IAM roles and role policies, one of each per source', () => {
        expect(ofModule().every((c) => c.change.actions.join() === 'create')).toBe(true);
        expect(
          ofModule()
            .map((c) => c.type)
            .sort(),
        ).toEqual(account.sources.flatMap(() => ['aws_iam_role', 'aws_iam_role_policy']).sort());
      });

      test('each planned policy reads as the policy resolver read the synthesized JSON', () => {
        const json = fs.readFileSync(path.join(synthDir(config, 'json'), 'stacks', stack, 'cdk.tf.json'), 'utf8');
        const byRole = (policies: ResolvedPolicy[]) =>
          policies
            .map((p) => [`${p.kind} ${p.role?.name}`, normalizePolicy(p.policy)] as const)
            .sort(([a], [b]) => a.localeCompare(b));
        expect(byRole(planned())).toEqual(byRole(stackPolicies(json)));
      });

      test(`every planned policy passes the IAM catalog check, and the simulation (${form})`, async () => {
        const policies = planned();
        for (const p of policies) {
          expect([p.where, await policyProblems(p)]).toEqual([p.where, []]);
          count('policies checked');
        }
        const roles = new Map<string, RoleUnderTest>();
        for (const p of policies.filter((p) => p.kind === 'trust')) {
          const inline = policies.filter((q) => q.kind === 'identity' && q.role!.name === p.role!.name);
          roles.set(p.role!.name, {
            arn: p.role!.arn,
            trustPolicy: p.policy,
            policies: inline.map((q) => ({ name: q.where, policy: q.policy })),
          });
        }
        const verdicts = await simulateAccount(CONFIGS[config], accountIndex, roles);
        expect(verdicts.map((v) => [v.source, v.wrong])).toEqual(account.sources.map((s) => [s.name, []]));
        count('stacks planned by terraform');
        count('stacks validated by terraform');
      });
    });
  },
);
