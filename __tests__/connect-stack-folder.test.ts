import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { terraformAvailability } from './verify/terraform';
import { ROOT, codeBlocks, userProject } from './user-project';
import { PACKAGE } from './helpers';

// The README's connect-helper block, run as a user runs it: in a project that installed the
// package, after `npx cdktf-clickpipes-aws`, by bash, from the project folder (the block `cd`s into
// the stack folder), with the real `terraform output` reading the stack's local state.
//
// Two stand-ins, both of the test environment and not of the code under test: the state file is
// written here (a deploy needs AWS; the state holds what `terraform apply` would record of the
// looked-up database), and `psql` is a shell function that records its command line (the endpoint
// does not exist). Terraform is initialized with the mirrored provider pinned by an override file
// (the stacks ask for hashicorp/aws 6.x; the mirror may hold another version).

const tf = terraformAvailability();
if (!tf.ok) console.warn(`connect helper with Terraform skipped: ${tf.reason}`);
const withTerraform = tf.ok ? describe : describe.skip;

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** The README's block under the connect helper: the one with `eval "$(npx clickpipes-connect`. */
const BLOCK = codeBlocks(README).find((b) => b.lang === 'sh' && b.code.includes('eval "$(npx clickpipes-connect'))!;
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY',
};
const ADDRESS = 'orders-prod.c0ffee.us-east-1.rds.amazonaws.com';

let project: string;
let stackDir: string;
beforeAll(() => {
  expect(BLOCK).toBeDefined();
  project = userProject('cpa-connect-user-');
  // The package's bin, as `npx cdktf-clickpipes-aws` (cdktn-clickpipes-aws) runs it (help.test.ts runs it through npx).
  const synth = spawnSync(path.join(project, 'node_modules', '.bin', PACKAGE), [], {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  expect(synth.stderr).toBe('');
  expect(synth.status).toBe(0);
  stackDir = path.join(project, 'cdktf.out', 'stacks', 'prod');
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

/** The environment of a user without AWS credentials in it (no profile, no instance role). */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|TF_|CLICKPIPES_|CDKTF_)/.test(k)) env[k] = v;
  return {
    ...env,
    HOME: project,
    TF_CLI_CONFIG_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(project, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(project, 'no-aws-credentials'),
    ...extra,
  };
}

/**
 * Runs `lines` with bash in the project folder, `set -e`, with `psql`, `mysql` and `mariadb`
 * recording their arguments (and PGPASSWORD) to psql.args. Unless `realNpx`, `npx <bin>` runs
 * `node_modules/.bin/<bin>`, which is what npx does for an installed bin, without npm's start
 * (about 2 s of CPU a call); the README's line runs with the real npx once, in the test of its
 * success.
 */
function bash(lines: string, env: NodeJS.ProcessEnv, realNpx = false) {
  const record = `{ printf '%s\\n' "$PGPASSWORD" "$@" > "${project}/psql.args"; }`;
  const npx = realNpx ? '' : `npx() { local bin="$1"; shift; "${project}/node_modules/.bin/$bin" "$@"; }\n`;
  const script = `set -e\n${npx}psql() ${record}\nmysql() ${record}\nmariadb() ${record}\n${lines}`;
  fs.rmSync(path.join(project, 'psql.args'), { force: true });
  const r = spawnSync('bash', ['-c', script], { cwd: project, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The README's block with its eval line only (the second line is the flags-only form). */
const evalLines = () =>
  BLOCK.code
    .split('\n')
    .filter((l) => !l.startsWith('npx clickpipes-connect --engine'))
    .join('\n');

/** The problems a run printed: every stderr line but npm's own notices. */
const problems = (stderr: string) =>
  stderr.split('\n').filter((l) => l !== '' && !/^npm (warn|notice)/i.test(l) && !l.startsWith('Note: '));

function writeState(outputs: Record<string, { value: unknown; type: string }>) {
  // The local backend's path of the stack: ../../../terraform.prod.tfstate, the project folder.
  const state = { version: 4, terraform_version: '1.11.4', serial: 1, lineage: '5b8f0c9e-0000-4000-8000-00000000c0de' };
  fs.writeFileSync(
    path.join(project, 'terraform.prod.tfstate'),
    JSON.stringify({ ...state, outputs, resources: [], check_results: null }, null, 2),
  );
}

test('the block is the stack-folder form and names no path of this project', () => {
  expect(BLOCK.code).toMatch(/^cd cdktf\.out\/stacks\/prod /);
  expect(BLOCK.code).not.toContain('dist/');
});

test('before terraform init, the eval fails with one line saying what to do', () => {
  const r = bash(evalLines(), userEnv(CREDENTIALS));
  expect(r.status).not.toBe(0);
  const lines = problems(r.stderr).filter((l) => l.startsWith('clickpipes-connect: '));
  expect(lines).toEqual([expect.stringContaining('--host: empty: the stack has no outputs here yet')]);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(fs.existsSync(path.join(project, 'psql.args'))).toBe(false);
});

withTerraform('in the stack folder, with terraform output', () => {
  beforeAll(() => {
    if (!tf.ok) return;
    fs.writeFileSync(
      path.join(stackDir, 'mirror_override.tf.json'),
      JSON.stringify({
        terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: tf.awsVersion } } },
      }),
    );
    const init = spawnSync('terraform', ['init', `-plugin-dir=${tf.pluginDir}`, '-input=false', '-no-color'], {
      cwd: stackDir,
      encoding: 'utf8',
      env: userEnv({ CHECKPOINT_DISABLE: '1' }),
    });
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
  });

  test("no state: Terraform's warning does not become the host; the eval fails", () => {
    fs.rmSync(path.join(project, 'terraform.prod.tfstate'), { force: true });
    const r = bash(evalLines(), userEnv(CREDENTIALS));
    expect(r.status).not.toBe(0);
    expect(problems(r.stderr)).toEqual([
      'clickpipes-connect: --host: Terraform printed a warning ("No outputs found") instead of an address: the stack has no outputs here yet: in the stack folder, run `terraform init` and `terraform apply` first',
    ]);
    expect(fs.existsSync(path.join(project, 'psql.args'))).toBe(false);
  });

  test('with state: the README line logs in to the looked-up database with a token for its endpoint and port', () => {
    writeState({
      orders_db_address: { value: ADDRESS, type: 'string' },
      orders_db_port: { value: 5432, type: 'number' },
    });
    const r = bash(evalLines(), userEnv(CREDENTIALS), true);
    expect(problems(r.stderr)).toEqual([]);
    expect(r.status).toBe(0);
    const [token, conninfo, ...rest] = fs.readFileSync(path.join(project, 'psql.args'), 'utf8').trimEnd().split('\n');
    expect(rest).toEqual([]);
    expect(conninfo).toBe(
      `host=${ADDRESS} port=5432 dbname=app user=clickpipes_iam_user sslmode=verify-full sslrootcert=global-bundle.pem`,
    );
    expect(token).toMatch(
      new RegExp(
        `^${ADDRESS.replace(/\./g, '\\.')}:5432/\\?Action=connect&DBUser=clickpipes_iam_user&.*X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F\\d{8}%2Fus-east-1%2Frds-db%2Faws4_request`,
      ),
    );
  });

  test("--check compares a looked-up database's port with Terraform's, and the eval fails on a mismatch", () => {
    writeState({
      orders_db_address: { value: ADDRESS, type: 'string' },
      orders_db_port: { value: 5433, type: 'number' },
    });
    const r = bash(evalLines(), userEnv(CREDENTIALS));
    expect(r.status).not.toBe(0);
    expect(problems(r.stderr)).toEqual([
      `clickpipes-connect: --check: --port: 5432, but Terraform's orders_db_port is 5433; give --port "$(terraform output -raw orders_db_port)"`,
    ]);
    expect(fs.existsSync(path.join(project, 'psql.args'))).toBe(false);
    // The fix the message names works.
    const fixed = evalLines().replace('--dbname app', '--port "$(terraform output -raw orders_db_port)" --dbname app');
    const ok = bash(fixed, userEnv(CREDENTIALS));
    expect([ok.status, problems(ok.stderr)]).toEqual([0, []]);
    expect(fs.readFileSync(path.join(project, 'psql.args'), 'utf8')).toContain(`host=${ADDRESS} port=5433 `);
  });

  test('no AWS credentials: one line naming the fix, no stack trace, and the eval fails', () => {
    writeState({
      orders_db_address: { value: ADDRESS, type: 'string' },
      orders_db_port: { value: 5432, type: 'number' },
    });
    const r = bash(evalLines(), userEnv());
    expect(r.status).not.toBe(0);
    const lines = problems(r.stderr);
    expect(lines).toEqual([
      expect.stringMatching(/^clickpipes-connect: AWS credentials: .*set AWS_PROFILE .*AWS_ACCESS_KEY_ID/),
    ]);
    expect(fs.existsSync(path.join(project, 'psql.args'))).toBe(false);
  });
});

test("the block's flags-only line prints a token for the engine's default port", () => {
  const line = BLOCK.code.split('\n').find((l) => l.startsWith('npx clickpipes-connect --engine'))!;
  const r = bash(line, userEnv(CREDENTIALS));
  expect([r.status, problems(r.stderr)]).toEqual([0, []]);
  expect(r.stdout).toMatch(
    /^db\.abc\.us-east-1\.rds\.amazonaws\.com:3306\/\?Action=connect&DBUser=clickpipes_iam_user&/,
  );
});

test('from the project folder, the helper reads cdktf.out; outside any, it says where to run', () => {
  const fromProject = bash(
    `eval "$(npx clickpipes-connect --source events --host events.c0ffee.eu-west-1.rds.amazonaws.com --check)"`,
    userEnv(CREDENTIALS),
  );
  expect([fromProject.status, problems(fromProject.stderr)]).toEqual([0, []]);
  expect(fs.readFileSync(path.join(project, 'psql.args'), 'utf8')).toContain(
    '\n--host=events.c0ffee.eu-west-1.rds.amazonaws.com\n--port=3306\n',
  );
  const elsewhere = bash(
    `cd cdktf.out && eval "$(npx clickpipes-connect --source orders --host ${ADDRESS})"`,
    userEnv(CREDENTIALS),
  );
  expect(elsewhere.status).not.toBe(0);
  expect(problems(elsewhere.stderr)).toEqual([
    expect.stringMatching(/^clickpipes-connect: --source orders: no synthesized stack here: run in a stack folder/),
  ]);
});
