/**
 * `npm run diff` and `npm run deploy` of every stack, as a team runs them on its checkout (a copy
 * of the project): through the real cdktf CLI and Terraform, with the AWS provider from the
 * mirror and no AWS credentials, so each run gets through `terraform init` and stops at the plan.
 * Its own file, so that Jest runs it beside the synth sequence of workflow.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_CONFIG } from '../lib';
import { frameworkCli } from './helpers';
import { terraformAvailability } from './verify/terraform';
import { useConfig, userEnv, workflowProject } from './workflow-project';

let project: string;
beforeAll(() => {
  project = workflowProject('cpa-deploy-');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

const tf = terraformAvailability();
const run = tf.ok ? test : test.skip;

/** An environment with no AWS credentials anywhere (no instance metadata asked either) and Terraform's providers from the mirror. */
function offlineEnv(): NodeJS.ProcessEnv {
  const rc = path.join(project, 'terraform.rc');
  if (tf.ok)
    fs.writeFileSync(
      rc,
      `provider_installation {\n  filesystem_mirror {\n    path    = "${tf.pluginDir}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
  const env = userEnv({
    ...frameworkCli().env,
    TF_CLI_CONFIG_FILE: rc,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[k];
  return env;
}

function npmRun(script: string) {
  // The provider lock of cdktf asks the registry for other platforms' checksums: not reachable here.
  const r = spawnSync('npm', ['run', script, '--', '--skip-provider-lock'], {
    cwd: project,
    env: offlineEnv(),
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

run(
  `\`npm run diff\` then \`npm run deploy\` of every stack get through terraform init to the plan and stop there for want of credentials (${tf.ok ? `hashicorp/aws ${tf.awsVersion}` : tf.reason})`,
  () => {
    // The mirror holds another major version than the stacks' default constraint: the config pins it.
    useConfig(project, { ...EXAMPLE_CONFIG, awsProviderVersion: tf.ok ? tf.awsVersion : '' });
    for (const script of ['diff', 'deploy']) {
      const r = npmRun(script);
      expect({ script, status: r.status }).toEqual({ script, status: 1 });
      expect(r.output).not.toContain('Found more than one stack');
      for (const stack of ['prod', 'analytics']) {
        expect(fs.existsSync(path.join(project, 'cdktf.out', 'stacks', stack, '.terraform.lock.hcl'))).toBe(true);
      }
      expect(r.output.match(/Error: No valid credential sources found/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      if (script === 'diff') expect(r.output).toContain('2 of 2 stack diffs failed.');
    }
  },
);
