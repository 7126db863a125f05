/**
 * Runs Terraform itself, with the real AWS provider from a local filesystem mirror, on copies of
 * synthesized stacks: `terraform validate` for every stack, and an offline `terraform plan` for
 * stacks whose inputs are all literal. Nothing reaches AWS: see {@link OFFLINE_PROVIDER}.
 *
 * Each stack is copied, unchanged, into a folder of one root module that calls it as a child
 * module, so that one `init`, one `validate` and one `plan` serve every stack: the AWS
 * provider's schema takes seconds to load, once per Terraform command. Beside each copy lies an
 * override file (Terraform merges `*_override.tf.json` into the module) that
 * - pins the provider to the mirrored version: the stacks require the version of the cdktf
 *   binding (6.x), the mirror holds another;
 * - makes the provider work offline: static fake credentials come from the environment, and
 *   the skip flags stop it from calling STS, IMDS and the region list;
 * - unsets `allowed_account_ids`: with `skip_requesting_account_id` the provider cannot learn
 *   the account, and refuses every allowed list ("AWS account ID not allowed: "). The stacks'
 *   allowed list is asserted on the synthesized JSON instead (app.test.ts).
 * Terraform warns, rightly, that a child module's backend and provider blocks are meant for a
 * root module; the warnings are expected and are not errors.
 *
 * Offline, the `aws_iam_policy_document`, `aws_region` and `aws_partition` data sources are read
 * (they need no API call); `aws_caller_identity` calls STS and fails, as do the database
 * look-ups (`aws_db_instance`, `aws_rds_cluster`): stacks using them are validated, not planned.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ProcessRun, runProcess } from './run-process';

export type TerraformAvailability =
  | { readonly ok: true; readonly pluginDir: string; readonly awsVersion: string }
  | { readonly ok: false; readonly reason: string };

/** Whether `terraform` and a mirrored `hashicorp/aws` provider are here (`CLICKPIPES_TF_PLUGIN_DIR`, default /opt/tf-plugins). */
export function terraformAvailability(): TerraformAvailability {
  const pluginDir = process.env.CLICKPIPES_TF_PLUGIN_DIR ?? '/opt/tf-plugins';
  const version = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: terraformEnv() });
  if (version.error || version.status !== 0) {
    return { ok: false, reason: `no terraform on PATH (${version.error?.message ?? version.stderr.trim()})` };
  }
  const awsDir = path.join(pluginDir, 'registry.terraform.io', 'hashicorp', 'aws');
  const platform = `${process.platform}_${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const versions = fs.existsSync(awsDir)
    ? fs.readdirSync(awsDir).filter((v) => fs.existsSync(path.join(awsDir, v, platform)))
    : [];
  if (versions.length === 0)
    return { ok: false, reason: `no hashicorp/aws provider for ${platform} mirrored in ${pluginDir}` };
  const newest = versions.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).at(-1)!;
  return { ok: true, pluginDir, awsVersion: newest };
}

/** Provider settings that keep the AWS provider off the network (see the file comment). */
export const OFFLINE_PROVIDER = {
  allowed_account_ids: null,
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
};

/** The environment of every Terraform command: no checkpoint, no CLI config, fake static credentials. */
export function terraformEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (/^(AWS_|TF_)/.test(key)) delete env[key];
  return {
    ...env,
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: '/dev/null',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-an-offline-plan',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** A root module calling copies of stacks as child modules. */
export class TerraformRoot {
  private readonly modules: string[] = [];

  constructor(
    readonly dir: string,
    private readonly tf: Extract<TerraformAvailability, { ok: true }>,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /**
   * Copies a synthesized stack folder (`cdk.tf.json` or `cdk.tf`) as module `name`, with the
   * override file beside it. `edit` may change the copied text (for a deliberately broken copy).
   */
  addStack(name: string, stackDir: string, edit: (text: string) => string = (t) => t): void {
    const target = path.join(this.dir, name);
    fs.mkdirSync(target);
    const file = ['cdk.tf.json', 'cdk.tf'].find((f) => fs.existsSync(path.join(stackDir, f)));
    if (!file) throw new Error(`${stackDir} holds no synthesized stack`);
    fs.writeFileSync(path.join(target, file), edit(fs.readFileSync(path.join(stackDir, file), 'utf8')));
    const override = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: this.tf.awsVersion } } },
      provider: { aws: OFFLINE_PROVIDER },
    };
    fs.writeFileSync(path.join(target, 'verify_override.tf.json'), JSON.stringify(override, null, 2));
    this.modules.push(name);
    const root = { module: Object.fromEntries(this.modules.map((m) => [m, { source: `./${m}` }])) };
    fs.writeFileSync(path.join(this.dir, 'main.tf.json'), JSON.stringify(root, null, 2));
  }

  /** Runs `terraform <args>` in the root; resolves with its exit code and output. */
  run(args: string[]): Promise<ProcessRun> {
    return runProcess('terraform', args, { cwd: this.dir, env: terraformEnv() });
  }

  async init(): Promise<void> {
    const r = await this.run([
      'init',
      '-backend=false',
      `-plugin-dir=${this.tf.pluginDir}`,
      '-input=false',
      '-no-color',
    ]);
    if (r.status !== 0) throw new Error(`terraform init failed in ${this.dir}:\n${r.stdout}\n${r.stderr}`);
  }
}

/** A diagnostic of `terraform validate -json`. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { readonly filename: string };
}

/** The resource changes of `terraform show -json <plan>`. */
export interface PlannedChange {
  readonly address: string;
  readonly module_address?: string;
  readonly type: string;
  readonly name: string;
  readonly change: { readonly actions: string[]; readonly after: Record<string, unknown> | null };
}
