/**
 * The README's cdktf commands as a team runs them: in sequence, on one checkout (a copy of the
 * project), through the real cdktf CLI, with what the previous run left behind: renamed, removed
 * and added stacks, JSON then HCL, an interrupted run, a stale lock.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
import { MAIN, frameworkCli, killed, stoppedOrExited, tree } from './helpers';
import { expectCatalogValid } from './verify/catalog';
import { comparableHcl, comparableTerraform } from './verify/hcl';
import { ROOT, useConfig as writeConfig, userEnv as env, workflowProject } from './workflow-project';

let project: string;
beforeAll(() => {
  project = workflowProject('cpa-flow-');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

let npxRuns = 0;
const cli = frameworkCli();
/**
 * `CHECKPOINT_DISABLE=1 npx cdktf ARGS` (`npx cdktn` in the cdktn project), as the README writes
 * it: the first run through npx, the others through the same CLI's bin directly (npx alone costs
 * about 2 s of CPU a start).
 */
function cdktf(args: string[], extra: Record<string, string> = {}) {
  const [command, ...prefix] =
    npxRuns++ === 0 ? ['npx', cli.name] : [path.join(project, 'node_modules', '.bin', cli.name)];
  const r = spawnSync(command, [...prefix, ...args], {
    cwd: project,
    env: env({ CHECKPOINT_DISABLE: '1', ...cli.env, ...extra }),
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

const outdir = () => path.join(project, 'cdktf.out');
const stacks = () => fs.readdirSync(path.join(outdir(), 'stacks')).sort();
/** The Terraform files of each stack folder. */
const terraformFiles = () =>
  Object.fromEntries(
    stacks().map((s) => [
      s,
      fs.readdirSync(path.join(outdir(), 'stacks', s)).filter((f) => f === 'cdk.tf' || f === 'cdk.tf.json'),
    ]),
  );
const manifestStacks = () =>
  Object.keys(JSON.parse(fs.readFileSync(path.join(outdir(), 'manifest.json'), 'utf8')).stacks).sort();

const useConfig = (config: unknown | undefined) => writeConfig(project, config);

const renamed = {
  ...EXAMPLE_CONFIG,
  accounts: [{ ...EXAMPLE_CONFIG.accounts[0], name: 'production' }, EXAMPLE_CONFIG.accounts[1]],
};
const removedAndAdded = {
  ...EXAMPLE_CONFIG,
  accounts: [{ ...EXAMPLE_CONFIG.accounts[1], name: 'reporting' }],
};

test('`cdktf synth` across renamed, removed and added stacks, in JSON and HCL: exit 0, exactly the config’s stacks', () => {
  const steps: [string, unknown, string[], string[]][] = [
    ['the embedded example', undefined, [], ['analytics', 'prod']],
    ['an account renamed', renamed, ['--hcl'], ['analytics', 'production']],
    ['one removed, one added', removedAndAdded, [], ['reporting']],
    ['a switch to the YAML organization', 'org.yaml', ['--hcl'], ['analytics', 'prod-eu-west-1', 'prod-us-east-1']],
    ['back to the example, in HCL', undefined, ['--hcl'], ['analytics', 'prod']],
  ];
  for (const [what, config, flags, expected] of steps) {
    const yaml = typeof config === 'string';
    useConfig(yaml ? undefined : config);
    const r = cdktf(['synth', ...flags], yaml ? { CLICKPIPES_CONFIG: config } : {});
    expect({ what, status: r.status, error: r.status === 0 ? '' : r.output }).toEqual({ what, status: 0, error: '' });
    expect(stacks()).toEqual(expected);
    expect(manifestStacks()).toEqual(expected);
    const file = flags.includes('--hcl') ? 'cdk.tf' : 'cdk.tf.json';
    expect(terraformFiles()).toEqual(Object.fromEntries(expected.map((s) => [s, [file]])));
  }
});

// The tests below go on from the output the sequence left: the example's stacks, in HCL.

test('`cdktf synth --hcl` writes HCL that parses, with the resources of the JSON synth', async () => {
  const json = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-json-'));
  try {
    synthesize(parseConfig(EXAMPLE_CONFIG), { outdir: json, hcl: false });
    for (const stack of ['prod', 'analytics']) {
      const hcl = await comparableHcl(fs.readFileSync(path.join(outdir(), 'stacks', stack, 'cdk.tf'), 'utf8'));
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
  const before = tree(outdir());
  fs.writeFileSync(
    path.join(project, 'bad.json'),
    JSON.stringify({ ...EXAMPLE_CONFIG, clickHouseIamRoleArn: 'arn:aws:iam::1:role/x' }),
  );
  const r = cdktf(['synth', '--hcl'], { CLICKPIPES_CONFIG: 'bad.json' });
  expect(r.status).not.toBe(0);
  expect(r.output).toContain('Error: bad.json: clickHouseIamRoleArn: "arn:aws:iam::1:role/x" is not an IAM role ARN');
  expect(tree(outdir())).toEqual(before);
});

test('`cdktf synth` refuses to let the CLI delete a file the app did not write in a stack that goes, and loses nothing', () => {
  const state = path.join(outdir(), 'stacks', 'prod', 'terraform.tfstate');
  fs.writeFileSync(state, '{"serial": 3}');
  useConfig(renamed);
  const r = cdktf(['synth']);
  expect(r.status).not.toBe(0);
  expect(r.output).toContain(
    'Error: cdktf.out/stacks/prod/terraform.tfstate: stack prod is no longer in the config, and the cdktf CLI deletes its folder after the synth, with this file that the app did not write; move it out of cdktf.out, then run again. Nothing was written.',
  );
  expect(fs.readFileSync(state, 'utf8')).toBe('{"serial": 3}');
  expect(stacks()).toEqual(['analytics', 'prod']);
  fs.rmSync(state);
  expect(cdktf(['synth']).status).toBe(0);
  expect(stacks()).toEqual(['analytics', 'production']);
});

test('after an interrupted run and with a stale lock, the next `cdktf synth` restores, then succeeds', async () => {
  // A run of another config, stopped partway through moving files in, then killed.
  useConfig(removedAndAdded);
  const child = spawn(process.execPath, [path.relative(ROOT, MAIN), '--quiet'], {
    cwd: project,
    env: env({ CLICKPIPES_TEST_STOP_AT: 'move:3' }),
    stdio: 'ignore',
  });
  expect(await stoppedOrExited(child)).toBe('stopped');
  await killed(child);
  expect(fs.existsSync(path.join(outdir(), '.clickpipes-journal.json'))).toBe(true);
  const r = cdktf(['synth']);
  expect(r.output).toContain('Restored cdktf.out as the last good run left it');
  expect(r.output).toContain('Removed the lock of an interrupted run');
  expect(r.status).toBe(0);
  expect(stacks()).toEqual(['reporting']);
  expect(fs.readdirSync(outdir()).filter((f) => f.startsWith('.'))).toEqual([]);
});

test('no command of the workflow writes into cdktf.json (no projectId written, no telemetry)', () => {
  expect(fs.readFileSync(path.join(project, 'cdktf.json'), 'utf8')).toBe(
    fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'),
  );
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).projectId).toMatch(/^[0-9a-f-]{36}$/);
});
