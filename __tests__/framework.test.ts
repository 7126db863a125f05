/**
 * One source, two frameworks (issue 14): each build's constructs refuse, with one clear message, a
 * scope in a stack of the other framework and a resource of the other's provider package, instead
 * of a TypeError deep in synth or wrong output. Run in plain Node.js processes, each package
 * resolving its own framework as it does in a user's project (no Jest module mapping): this
 * project's build (dist/, or build/cdktn/dist in the cdktn project) against the other one.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DIST, TEST_FRAMEWORK, frameworkCli, tempFolders } from './helpers';
import { copyProject } from '../scripts/project-copy';
import { userEnv } from './workflow-project';
import { ROOT } from './user-project';
import { FRAMEWORK } from '../lib/framework';

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const OTHER = TEST_FRAMEWORK === 'cdktf' ? 'cdktn' : 'cdktf';
const BUILDS = { cdktf: path.join(ROOT, 'dist'), cdktn: path.join(ROOT, 'build', 'cdktn', 'dist') };
const PACKAGES = { cdktf: 'cdktf-clickpipes-aws', cdktn: 'cdktn-clickpipes-aws' };
const VERSIONS = { cdktf: '0.21.0', cdktn: '0.24.0' };
const [major, minor] = process.versions.node.split('.').map(Number);
/** Whether this Node.js is older than cdktn-cli needs (22.19). */
const nodeTooOld = major < 22 || (major === 22 && minor < 19);

/**
 * Runs a CommonJS program in a fresh Node.js: `lib(NAME)` is a build's lib/, `fw(NAME)` and
 * `aws(NAME, CLASS)` a framework and a provider class as that build resolves them. Resolves
 * with the message of what it threw, or "ok" and the synthesized stack's JSON.
 */
function run(program: string): string {
  const prelude = `
    const path = require('path');
    const BUILDS = ${JSON.stringify(BUILDS)};
    const lib = (n) => require(path.join(BUILDS[n], 'lib'));
    const fw = (n) => require(require.resolve(n, { paths: [BUILDS[n]] }));
    const aws = (n, file) => require(require.resolve('@' + n + '/provider-aws/lib/' + file, { paths: [BUILDS[n]] }));
    const ROLE = 'arn:aws:iam::111122223333:role/CH-S3-example-Role';
    try { ${program} } catch (e) { console.log(e.name + ': ' + e.message); process.exit(0); }`;
  const r = spawnSync(process.execPath, ['-e', prelude], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the program failed (exit ${r.status}):\n${r.stderr}`);
  return r.stdout.trim();
}

/** A Kinesis source in a stack of `stackFramework`, built by the construct of `constructBuild`. */
const kinesisIn = (stackFramework: string, constructBuild: string) => `
  const { App, TerraformStack, Testing } = fw('${stackFramework}');
  const { AwsProvider } = aws('${stackFramework}', 'provider');
  const app = Testing.app();
  const stack = new TerraformStack(app, 'prod');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new (lib('${constructBuild}').ClickPipesKinesisAccess)(stack, 'clickstream', {
    clickHouseIamRoleArn: ROLE, streams: ['clickstream'], accountId: '123456789012', region: 'us-east-1',
  });
  console.log('ok ' + Testing.synth(stack).length);`;

test(`this build describes ${TEST_FRAMEWORK}: its package, version and AWS provider binding`, () => {
  expect(FRAMEWORK).toEqual({
    name: TEST_FRAMEWORK,
    version: VERSIONS[TEST_FRAMEWORK],
    packageName: PACKAGES[TEST_FRAMEWORK],
    awsProviderVersion: TEST_FRAMEWORK === 'cdktf' ? '6.25.0' : '6.66.0',
  });
  expect(path.relative(ROOT, DIST)).toBe(path.relative(ROOT, BUILDS[TEST_FRAMEWORK]));
});

test(`a construct of this build in a stack of its own framework synthesizes (the control)`, () => {
  expect(run(kinesisIn(TEST_FRAMEWORK, TEST_FRAMEWORK))).toMatch(/^ok \d+$/);
});

test(`a construct of this build (${TEST_FRAMEWORK}) in a ${OTHER} stack is refused with one line naming the stack and the package to use`, () => {
  expect(run(kinesisIn(OTHER, TEST_FRAMEWORK))).toBe(
    `ClickPipesInputError: prod/clickstream.scope: stack prod is a TerraformStack of ${OTHER} ${VERSIONS[OTHER]}, and ${PACKAGES[TEST_FRAMEWORK]} is built on ${TEST_FRAMEWORK} ${VERSIONS[TEST_FRAMEWORK]}: in a ${OTHER} app use ${PACKAGES[OTHER]}, or build the stack with ${TEST_FRAMEWORK}`,
  );
});

test(`the ${OTHER} build's construct in a ${TEST_FRAMEWORK} stack is refused the same way`, () => {
  expect(run(kinesisIn(TEST_FRAMEWORK, OTHER))).toBe(
    `ClickPipesInputError: prod/clickstream.scope: stack prod is a TerraformStack of ${TEST_FRAMEWORK} ${VERSIONS[TEST_FRAMEWORK]}, and ${PACKAGES[OTHER]} is built on ${OTHER} ${VERSIONS[OTHER]}: in a ${TEST_FRAMEWORK} app use ${PACKAGES[TEST_FRAMEWORK]}, or build the stack with ${OTHER}`,
  );
});

test(`the ${OTHER} build's account stack in a ${TEST_FRAMEWORK} App, and a construct of it right under that App, are refused`, () => {
  const prefix = `, and ${PACKAGES[OTHER]} is built on ${OTHER} ${VERSIONS[OTHER]}: in a ${TEST_FRAMEWORK} app use ${PACKAGES[TEST_FRAMEWORK]}, or build the stack with ${OTHER}`;
  const stack = run(`
    const { Testing } = fw('${TEST_FRAMEWORK}');
    const { ClickPipesAccountStack, EXAMPLE_CONFIG, parseConfig } = lib('${OTHER}');
    const config = parseConfig(EXAMPLE_CONFIG);
    new ClickPipesAccountStack(Testing.app(), { account: config.accounts[0], defaults: config });
    console.log('ok');`);
  expect(stack).toBe(
    `ClickPipesInputError: prod.scope: the scope is an App of ${TEST_FRAMEWORK} ${VERSIONS[TEST_FRAMEWORK]}${prefix}`,
  );
  const construct = run(`
    new (lib('${OTHER}').ClickPipesKinesisAccess)(fw('${TEST_FRAMEWORK}').Testing.app(), 'clickstream', {
      clickHouseIamRoleArn: ROLE, streams: ['clickstream'],
    });`);
  expect(construct).toBe(
    `ClickPipesInputError: clickstream.scope: the scope is an App of ${TEST_FRAMEWORK} ${VERSIONS[TEST_FRAMEWORK]}${prefix}`,
  );
});

test('a DbInstance of the other provider package is refused by field, before a parameter group of the wrong kind is built', () => {
  // Without the check, `instanceof DbInstance` fails across the two provider packages and CDC on
  // the instance emits a cluster parameter group (issue 14).
  const out = run(`
    const { TerraformStack, Testing } = fw('${TEST_FRAMEWORK}');
    const { AwsProvider } = aws('${TEST_FRAMEWORK}', 'provider');
    const stack = new TerraformStack(Testing.app(), 'prod');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    // A second app of the other framework, whose instance a user passes in by mistake.
    const other = new (fw('${OTHER}').TerraformStack)(fw('${OTHER}').Testing.app(), 'legacy');
    const db = new (aws('${OTHER}', 'db-instance').DbInstance)(other, 'db', {
      engine: 'postgres', engineVersion: '16', instanceClass: 'db.t4g.micro', allocatedStorage: 20,
    });
    new (lib('${TEST_FRAMEWORK}').ClickPipesRdsIamAccess)(stack, 'orders', {
      clickHouseIamRoleArn: ROLE, engine: 'rds-postgres', instance: db, pipeMode: 'cdc',
    });
    console.log('ok ' + Testing.synth(stack));`);
  // The README shows the cdktn build's refusal of a cdktf instance.
  if (TEST_FRAMEWORK === 'cdktn') expect(README).toContain(`\n${out.replace(/^ClickPipesInputError: /, '')}\n`);
  expect(out).toBe(
    `ClickPipesInputError: prod/orders.instance: legacy/db is a resource of ${OTHER} ${VERSIONS[OTHER]}, and ${PACKAGES[TEST_FRAMEWORK]} is built on ${TEST_FRAMEWORK} ${VERSIONS[TEST_FRAMEWORK]}: in a ${OTHER} app use ${PACKAGES[OTHER]}, or build the stack with ${TEST_FRAMEWORK}`,
  );
});

describe('moving a project from cdktf to cdktn, as the README says', () => {
  const temp = tempFolders('cpa-framework-');
  const app = (framework: 'cdktf' | 'cdktn', cwd: string, args: string[] = []) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
    delete env.CDKTF_OUTDIR;
    delete env.CLICKPIPES_CONFIG;
    return spawnSync(process.execPath, [path.join(BUILDS[framework], 'main.js'), ...args], {
      cwd,
      env,
      encoding: 'utf8',
    });
  };

  test('the README gives the refusal of a cdktf construct in a cdktn stack as the construct words it', () => {
    const cdktfInCdktn = run(kinesisIn('cdktn', 'cdktf'));
    expect(README).toContain(`\n${cdktfInCdktn.replace(/^ClickPipesInputError: /, '')}\n`);
  });

  test('each stack differs in exactly three values: the framework version, the provider source and its constraint', () => {
    const dirs = { cdktf: temp(), cdktn: temp() };
    for (const f of ['cdktf', 'cdktn'] as const) expect(app(f, dirs[f], ['--quiet']).status).toBe(0);
    const stacks = fs.readdirSync(path.join(dirs.cdktf, 'cdktf.out', 'stacks')).sort();
    expect(fs.readdirSync(path.join(dirs.cdktn, 'cdktf.out', 'stacks')).sort()).toEqual(stacks);
    for (const stack of stacks) {
      const [before, after] = (['cdktf', 'cdktn'] as const).map((f) =>
        JSON.parse(fs.readFileSync(path.join(dirs[f], 'cdktf.out', 'stacks', stack, 'cdk.tf.json'), 'utf8')),
      );
      expect({ stack, changed: differences(before, after) }).toEqual({
        stack,
        changed: [
          '//.metadata.version: "0.21.0" -> "0.24.0"',
          'terraform.required_providers.aws.source: "aws" -> "hashicorp/aws"',
          'terraform.required_providers.aws.version: "~> 6.25" -> "~> 6.66"',
        ],
      });
      // The stack's other files (sources, diagram) are the same bytes.
      for (const file of fs.readdirSync(path.join(dirs.cdktf, 'cdktf.out', 'stacks', stack), { recursive: true })) {
        const [a, b] = [dirs.cdktf, dirs.cdktn].map((d) => path.join(d, 'cdktf.out', 'stacks', stack, String(file)));
        if (String(file) !== 'cdk.tf.json' && fs.statSync(a).isFile())
          expect(fs.readFileSync(b)).toEqual(fs.readFileSync(a));
      }
    }
  });

  test('export --check flags every stack once after the move; a new export passes it', () => {
    const cwd = temp();
    expect(app('cdktf', cwd, ['export', '--out', 'terraform', '--quiet']).status).toBe(0);
    const check = app('cdktn', cwd, ['export', '--out', 'terraform', '--check']);
    expect(check.status).toBe(3);
    expect(check.stderr).toContain('prod: differs: stacks/prod/cdk.tf.json');
    expect(check.stderr).toContain('analytics: differs: stacks/analytics/cdk.tf.json');
    expect(check.stderr).toContain('(output): differs: manifest.json');
    // Nothing else: every stack once, and the manifest.
    expect(check.stderr.split('\n').filter((l) => l.startsWith('  ')).length).toBe(3);
    expect(check.stderr).toContain('Run `cdktn-clickpipes-aws export --out terraform` and commit the result.');
    expect(app('cdktn', cwd, ['export', '--out', 'terraform', '--quiet']).status).toBe(0);
    expect(app('cdktn', cwd, ['export', '--out', 'terraform', '--check']).status).toBe(0);
  });

  (nodeTooOld ? test : test.skip)(
    '`npm run deploy` on cdktn with a Node.js older than 22.19 stops with one line',
    () => {
      const env: NodeJS.ProcessEnv = { ...process.env, CLICKPIPES_FRAMEWORK: 'cdktn', CHECKPOINT_DISABLE: '1' };
      const r = spawnSync(process.execPath, ['scripts/cdktf.js', 'deploy'], { cwd: ROOT, env, encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `Error: cdktn-cli needs Node.js 22.19 or later, and this is ${process.versions.node} (framework cdktn, from CLICKPIPES_FRAMEWORK): run it with a newer Node.js, or choose cdktf.\n`,
      );
    },
  );
});

/** The leaves where two JSON documents differ, as `path: before -> after`. */
function differences(a: unknown, b: unknown, at = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) =>
      differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k),
    );
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`];
}

// Framework-independent (it runs both CLIs): once, in the cdktn project (the cdktf project has no such test).
if (TEST_FRAMEWORK === 'cdktn')
  test('with no setting, the ready app runs on the framework of the CLI that runs it: `cdktn synth` on cdktn, `cdktf synth` on cdktf', () => {
    const project = copyProject(ROOT, 'cpa-framework-cli-');
    try {
      const env = noSettingEnv();
      const version = () =>
        JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8')).version as string;
      for (const cli of ['cdktn', 'cdktf', 'cdktn'] as const) {
        const r = spawnSync(path.join(project, 'node_modules', '.bin', cli), ['synth'], {
          cwd: project,
          env: { ...env, ...(cli === 'cdktn' ? frameworkCli().env : {}) },
          encoding: 'utf8',
        });
        expect({ cli, status: r.status }).toEqual({ cli, status: 0 });
        expect({ cli, version: version() }).toEqual({ cli, version: VERSIONS[cli] });
      }
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);

test('an unknown framework setting stops the app command with one line naming where it came from, exit 2', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CLICKPIPES_FRAMEWORK: 'cdktx' };
  const r = spawnSync(process.execPath, ['scripts/app.js', '--quiet'], { cwd: ROOT, env, encoding: 'utf8' });
  expect([r.status, r.stdout, r.stderr]).toEqual([
    2,
    '',
    'Error: CLICKPIPES_FRAMEWORK: "cdktx" is not a framework; expected "cdktf" or "cdktn".\n',
  ]);
});

// cdktn checks the features of a stack against the Terraform versions the project declares; cdktf has no such check.
if (TEST_FRAMEWORK === 'cdktn')
  test('a feature the declared Terraform versions lack (cdktf.json targetVersions): cdktn’s lines, no stack trace, exit 1, nothing written', () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-framework-targets-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        // What the CLI passes from a cdktf.json with "targetVersions": { "terraform": ">=1.5.7" }.
        CDKTF_CONTEXT_JSON: JSON.stringify({ targetVersions: { terraform: '>=1.5.7' } }),
        CLICKPIPES_CONFIG: path.join(ROOT, 'examples', 'clickpipes.config.yaml'),
      };
      delete env.CDKTF_OUTDIR;
      const r = spawnSync(process.execPath, [path.join(DIST, 'main.js')], { cwd, env, encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([
        1,
        '',
        'Error: cdktn refused the stacks:\n' +
          '  - [prod-us-east-1/backend] S3 native state locking requires terraform >=1.10.0, but the project targets terraform >=1.5.7.\n' +
          'Nothing was written.\n',
      ]);
      expect(fs.readdirSync(cwd)).toEqual([]);
      // Without a declaration, the stack declares what use_lockfile needs itself, and cdktn accepts it.
      delete env.CDKTF_CONTEXT_JSON;
      expect(spawnSync(process.execPath, [path.join(DIST, 'main.js'), '--quiet'], { cwd, env }).status).toBe(0);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });

// The README's move of the ready app, as a team runs it: npm scripts, in sequence, on one checkout
// (framework-independent: once, in the cdktn project).
if (TEST_FRAMEWORK === 'cdktn')
  test('moving the ready app in sequence on one checkout: export on cdktf, the cdktf.json setting, --check flags, export, --check passes, pack:cdktn', () => {
    const project = copyProject(ROOT, 'cpa-framework-move-');
    try {
      const env = noSettingEnv();
      const npmRun = (...args: string[]) => spawnSync('npm', ['run', ...args], { cwd: project, env, encoding: 'utf8' });
      const exported = (n: number) =>
        `Exported 2 stack(s) on ${['cdktf 0.21.0', 'cdktn 0.24.0'][n]} from embedded example`;

      const first = npmRun('export', '--', '--out', 'terraform');
      expect([first.status, first.stdout]).toEqual([0, expect.stringContaining(exported(0))]);
      const file = path.join(project, 'cdktf.json');
      const cdktfJson = JSON.parse(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, JSON.stringify({ ...cdktfJson, context: { clickpipesFramework: 'cdktn' } }, null, 2));

      const stale = npmRun('export', '--', '--out', 'terraform', '--check');
      expect(stale.status).toBe(3);
      expect(
        stale.stderr
          .split('\n')
          .filter((l) => l.startsWith('  '))
          .sort(),
      ).toEqual([
        '  (output): differs: manifest.json',
        '  analytics: differs: stacks/analytics/cdk.tf.json',
        '  prod: differs: stacks/prod/cdk.tf.json',
      ]);
      const again = npmRun('export', '--', '--out', 'terraform');
      expect([again.status, again.stdout]).toEqual([0, expect.stringContaining(exported(1))]);
      expect(npmRun('export', '--', '--out', 'terraform', '--check').status).toBe(0);

      const pack = npmRun('pack:cdktn');
      expect(pack.status).toBe(0);
      const tarball = path.join(project, `cdktn-clickpipes-aws-${packageVersion(project)}.tgz`);
      const listed = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
      expect(listed.stdout.split('\n')).toEqual(
        expect.arrayContaining(['package/package.json', 'package/dist/lib/index.d.ts', 'package/dist/main.js']),
      );
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);

/** A user's shell (workflow-project.ts) with no framework setting: CLICKPIPES_FRAMEWORK unset. */
function noSettingEnv(): NodeJS.ProcessEnv {
  const env = userEnv({ CHECKPOINT_DISABLE: '1' });
  delete env.CLICKPIPES_FRAMEWORK;
  return env;
}

/** The version of the project's package (its cdktn package has the same). */
function packageVersion(project: string): string {
  return (JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8')) as { version: string }).version;
}
