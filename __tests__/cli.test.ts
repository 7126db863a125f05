import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
import { copyProject } from '../scripts/project-copy';
import { expectCatalogValid } from './verify/catalog';
import { comparableHcl, comparableTerraform } from './verify/hcl';

// The cdktf CLI (`npx cdktf synth`) running this project's cdktf.json app, in a copy of the
// project so that its build does not touch the dist/ that other test files run.
const ROOT = path.join(__dirname, '..');
let project: string;

beforeAll(() => {
  project = copyProject(ROOT, 'cpa-cli-');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

function cdktf(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('npx', ['cdktf', ...args], {
    cwd: project,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: 'true', FORCE_COLOR: '0', ...env },
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

const stackFiles = (outdir: string) =>
  Object.fromEntries(
    ['prod', 'analytics'].map((s) => [s, fs.readFileSync(path.join(outdir, 'stacks', s, 'cdk.tf'), 'utf8')]),
  );

test('`cdktf synth --hcl` writes HCL that parses, with the resources of the JSON synth', async () => {
  const r = cdktf(['synth', '--hcl']);
  expect(r.output).toContain('Generated Terraform code for the stacks: analytics, prod');
  expect(r.status).toBe(0);
  const json = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-json-'));
  try {
    synthesize(parseConfig(EXAMPLE_CONFIG), { outdir: json, hcl: false });
    for (const [stack, text] of Object.entries(stackFiles(path.join(project, 'cdktf.out')))) {
      const hcl = await comparableHcl(text);
      const expected = JSON.parse(fs.readFileSync(path.join(json, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      // The same blocks, names and attributes as the JSON synth, whose policies pass the IAM catalog check.
      expect(hcl).toEqual(comparableTerraform(expected));
      await expectCatalogValid(expected, `stack ${stack}`);
    }
  } finally {
    fs.rmSync(json, { recursive: true, force: true });
  }
});

test('a failed `cdktf synth` exits non-zero with the config path and leaves the output as it was', () => {
  const outdir = path.join(project, 'cdktf.out');
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) expect(cdktf(['synth', '--hcl']).status).toBe(0);
  const before = stackFiles(outdir);
  fs.writeFileSync(
    path.join(project, 'bad.json'),
    JSON.stringify({ ...EXAMPLE_CONFIG, clickHouseIamRoleArn: 'arn:aws:iam::1:role/x' }),
  );
  const r = cdktf(['synth', '--hcl'], { CLICKPIPES_CONFIG: 'bad.json' });
  expect(r.status).not.toBe(0);
  expect(r.output).toContain('Error: bad.json: clickHouseIamRoleArn: "arn:aws:iam::1:role/x" is not an IAM role ARN');
  expect(stackFiles(outdir)).toEqual(before);
});
