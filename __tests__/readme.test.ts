import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseConfig, readConfigFile } from '../lib';
import { TEST_FRAMEWORK, tempFolders } from './helpers';
import { ROOT, codeBlocks, userProject } from './user-project';
import { copyProject } from '../scripts/project-copy';

/** The import renaming of the cdktn build (scripts/build-cdktn.js): what the README's migration tells users to do. */
const { renameImports } = require('../scripts/build-cdktn') as {
  renameImports: (text: string, file: string) => string;
};

// The README's code blocks, as a reader uses them: TypeScript compiled with this project's
// compiler settings (noUnusedLocals and all) against the package as installed, then run; JSON
// and YAML configs through the config parser; shell blocks run where a test can (each is listed
// below with the test that runs it, or why none does).

const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const BLOCKS = codeBlocks(README);
const tmp = tempFolders('cpa-readme-');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');

/**
 * Shell and plain blocks by their first line: the test that runs them, or why none does. A block
 * not listed fails the test below, so that a new one is run or explained.
 */
const SHELL_BLOCKS: Record<string, string> = {
  'npm ci && npm run synth': '.ci/run runs both lines on a clean clone and checks it stays clean',
  'flowchart LR': 'the Mermaid block of the example: diagram.test.ts keeps it equal to the output and parses it',
  'npx cdktf-clickpipes-aws doctor': 'doctor-aws.test.ts runs the doctor against the loopback AWS server',
  '$ npx cdktf-clickpipes-aws doctor':
    'sample output of a real run against the loopback AWS server (doctor-aws.test.ts)',
  'psql "host=$(terraform output -raw orders_db_address)':
    'not run: needs a database with the master user; the SQL file itself runs in setup-sql.*.test.ts',
  'cd cdktf.out/stacks/prod': 'connect-stack-folder.test.ts runs it, line by line as a user does',
  'npm run deploy':
    'workflow-deploy.test.ts runs npm run diff and deploy of every stack through terraform init to the plan, which stops for want of AWS credentials',
  'npm run export -- --out terraform': 'export.test.ts (the same commands through dist/main.js)',
  'Error: 2 problems:': 'sample output; the config messages are asserted in bad-input.test.ts',
  'terraform is not what clickpipes.config.yaml synthesizes (HCL):': 'sample output of export.test.ts',
  'prod/clickstream.scope: stack prod is a TerraformStack of cdktn':
    'sample output: framework.test.ts asserts both lines, each in the project of its build',
};

test('every block is TypeScript, JSON, YAML or a listed shell block', () => {
  const unlisted = BLOCKS.filter(
    (b) =>
      !['ts', 'typescript', 'json', 'yaml'].includes(b.lang) &&
      !Object.keys(SHELL_BLOCKS).some((start) => b.code.startsWith(start)),
  ).map((b) => `${b.heading}: ${b.code.split('\n')[0]}`);
  expect(unlisted).toEqual([]);
  expect(BLOCKS.filter((b) => b.lang === 'ts' || b.lang === 'typescript').length).toBeGreaterThan(0);
});

/** A JSON block with a `context` is a piece of cdktf.json; the others are configs. */
const isCdktfJson = (code: string) => 'context' in (JSON.parse(code) as object);

test.each(BLOCKS.filter((b) => b.lang === 'json' && !isCdktfJson(b.code)).map((b) => [b.heading, b.code]))(
  'the JSON config under "%s" parses as a config',
  (_heading, code) => {
    expect(() => parseConfig(JSON.parse(code), 'README.md')).not.toThrow();
  },
);

test.each(BLOCKS.filter((b) => b.lang === 'json' && isCdktfJson(b.code)).map((b) => [b.heading, b.code]))(
  'the cdktf.json setting under "%s", merged into a checkout\'s cdktf.json, makes `npm run synth` use cdktn',
  (_heading, code) => {
    const project = copyProject(ROOT, 'cpa-readme-framework-');
    try {
      const file = path.join(project, 'cdktf.json');
      const setting = JSON.parse(code) as { context: object };
      const config = JSON.parse(fs.readFileSync(file, 'utf8')) as { context?: object };
      config.context = { ...config.context, ...setting.context };
      fs.writeFileSync(file, JSON.stringify(config, null, 2));
      const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };
      delete env.CLICKPIPES_FRAMEWORK;
      delete env.CDKTF_OUTDIR;
      const r = spawnSync(process.execPath, ['scripts/app.js', '--quiet'], { cwd: project, env, encoding: 'utf8' });
      expect([r.status, r.stderr]).toEqual([0, '']);
      const manifest = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'manifest.json'), 'utf8'));
      expect(manifest.version).toBe('0.24.0');
      expect(fs.existsSync(path.join(project, 'build', 'cdktn', 'dist', 'main.js'))).toBe(true);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  },
  60_000,
);

test.each(BLOCKS.filter((b) => b.lang === 'yaml').map((b) => [b.heading, b.code]))(
  'the YAML config under "%s" parses as a config',
  (_heading, code) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'clickpipes.config.yaml'), code);
    expect(() => parseConfig(readConfigFile('clickpipes.config.yaml', dir), 'README.md')).not.toThrow();
  },
);

describe('the TypeScript blocks', () => {
  let project: string;
  const sources = BLOCKS.filter((b) => b.lang === 'ts' || b.lang === 'typescript').map((b) => b.code);
  /** The constructs block without its outputPrefix lines: how names look by default. */
  const constructsBlock = sources.find((s) => s.includes('outputPrefix:'))!;
  const unprefixed = constructsBlock
    .split('\n')
    .filter((l) => !l.includes('outputPrefix:'))
    .join('\n');

  beforeAll(() => {
    project = userProject('cpa-readme-user-');
    const src = path.join(project, 'src');
    fs.mkdirSync(src);
    // In the cdktn project, the blocks as the README's migration section says to change them.
    const asUsed = (code: string) =>
      TEST_FRAMEWORK === 'cdktn'
        ? renameImports(code, 'README.md').replace(/'cdktf-clickpipes-aws'/g, "'cdktn-clickpipes-aws'")
        : code;
    sources.forEach((code, i) => fs.writeFileSync(path.join(src, `block-${i}.ts`), asUsed(code)));
    fs.writeFileSync(path.join(src, 'unprefixed.ts'), asUsed(unprefixed));
    // This project's compiler settings, for a user's project: its own files, no test types.
    const tsconfig = {
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: 'src', outDir: 'dist', types: ['node'] },
      include: ['src/**/*.ts'],
      exclude: [],
    };
    fs.writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  });
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  test('compile as written, with noUnusedLocals, against the installed package', () => {
    const r = spawnSync(TSC, ['-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
    const options = (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')) as { compilerOptions: object }
    ).compilerOptions;
    expect(options).toMatchObject({ strict: true, noUnusedLocals: true, noUnusedParameters: true });
  });

  /** Runs a compiled block in a folder of its own; its stack `data`. */
  function run(file: string) {
    const cwd = tmp();
    const r = spawnSync(process.execPath, [path.join(project, 'dist', file)], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: path.join(cwd, 'cdktf.out') },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(fs.readFileSync(path.join(cwd, 'cdktf.out', 'stacks', 'data', 'cdk.tf.json'), 'utf8')) as {
      output: Record<string, unknown>;
      resource: Record<string, Record<string, unknown>>;
    };
  }

  test('the constructs block runs, and its outputs have the names the README gives', () => {
    const names = Object.keys(run(`block-${sources.indexOf(constructsBlock)}.js`).output).sort();
    expect(names).toEqual(
      [
        'clickstream_role_arn',
        'kafka_role_arn',
        'landing_role_arn',
        'orders_cdc_prerequisites',
        'orders_db_address',
        'orders_db_port',
        'orders_db_user_arn',
        'orders_db_user_sql',
        'orders_role_arn',
        'orders_setup_sql',
      ].sort(),
    );
    // Every fixed name the README's paragraph on names gives is an output of the block.
    const paragraph = README.slice(README.indexOf('**Names in your own stacks.**'));
    const named = [...paragraph.slice(0, paragraph.indexOf('\n\n')).matchAll(/`(orders_[a-z_]+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(4);
    expect(named.filter((n) => !names.includes(n))).toEqual([]);
  });

  test('without outputPrefix, names carry the hashes the README shows', () => {
    const synth = run('unprefixed.js');
    const paragraph = README.slice(README.indexOf('**Names in your own stacks.**'));
    const hashed = [...paragraph.matchAll(/`((?:aws_iam_role\.)?orders_[a-z_]+_[0-9A-F]{8})`/g)].map((m) => m[1]);
    expect(hashed).toEqual([
      'aws_iam_role.orders_role_0C3CFEBB',
      'orders_role_arn_2D69302A',
      'orders_db_user_sql_40C84210',
    ]);
    for (const name of hashed) {
      if (name.startsWith('aws_iam_role.')) expect(Object.keys(synth.resource.aws_iam_role)).toContain(name.slice(13));
      else expect(Object.keys(synth.output)).toContain(name);
    }
    expect(Object.keys(synth.output).filter((n) => !/_[0-9A-F]{8}$/.test(n))).toEqual(['orders_db_user_arn']);
  });
});
