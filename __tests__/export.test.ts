import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { checkExport, describeStale, exportStacks, loadConfig, synthesize } from '../lib';
import { MAIN, PACKAGE, addresses, runApp, tree, tempFolders } from './helpers';
import { FRAMEWORK } from '../lib/framework';

/** The framework the app's summary lines name (this Jest project's). */
const ON = `${FRAMEWORK.name} ${FRAMEWORK.version}`;

// The committed-output workflows, through the real app: `export` (JSON, HCL) and `export --check`.
const YAML_EXAMPLE = path.join(__dirname, '..', 'examples', 'clickpipes.config.yaml');
const tmp = tempFolders('cpa-export-');

const run = (cwd: string, args: string[]) => runApp(cwd, {}, args);

/** A project folder with the YAML example as its config. */
function project(): string {
  const dir = tmp();
  fs.copyFileSync(YAML_EXAMPLE, path.join(dir, 'clickpipes.config.yaml'));
  return dir;
}

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm test` (it builds first)');
});

describe('committed JSON', () => {
  let dir: string;
  beforeAll(() => {
    dir = project();
    const r = run(dir, ['export', '--out', 'terraform']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      `Exported 3 stack(s) on ${ON} from clickpipes.config.yaml to terraform (JSON): prod-us-east-1, prod-eu-west-1, analytics\n`,
    );
  });

  test('writes each stack under a stable name, the same bytes as the synth and in any folder', async () => {
    const files = tree(path.join(dir, 'terraform'));
    expect(Object.keys(files).sort()).toEqual([
      'clickpipes-output.json',
      'manifest.json',
      'stacks/analytics/cdk.tf.json',
      'stacks/analytics/diagram.md',
      'stacks/prod-eu-west-1/cdk.tf.json',
      'stacks/prod-eu-west-1/clickpipes/orders-eu.sql',
      'stacks/prod-eu-west-1/clickpipes/sources.json',
      'stacks/prod-eu-west-1/diagram.md',
      'stacks/prod-us-east-1/cdk.tf.json',
      'stacks/prod-us-east-1/clickpipes/orders.sql',
      'stacks/prod-us-east-1/clickpipes/sources.json',
      'stacks/prod-us-east-1/diagram.md',
    ]);
    // The source files of a stack of a region name that region.
    expect(JSON.parse(files['stacks/prod-eu-west-1/clickpipes/sources.json']).sources['orders-eu']).toMatchObject({
      engine: 'aurora-mysql',
      region: 'eu-west-1',
      dbUser: 'cp_orders',
    });
    const other = tmp('another-folder-with-a-longer-name-');
    const { config } = loadConfig({ CLICKPIPES_CONFIG: YAML_EXAMPLE }, other);
    await exportStacks(config, { out: path.join(other, 'elsewhere', 'tf') });
    expect(tree(path.join(other, 'elsewhere', 'tf'))).toEqual(files);
    synthesize(config, { outdir: path.join(other, 'cdktf.out') });
    expect(tree(path.join(other, 'cdktf.out'))).toEqual(files);
  });

  test('--check passes on fresh output, then names the stack a config change makes stale, and writes nothing', async () => {
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const ok = run(copy, ['export', '--out', 'terraform', '--check']);
    expect(ok).toMatchObject({
      status: 0,
      stderr: '',
      stdout: 'terraform is up to date with clickpipes.config.yaml (JSON).\n',
    });

    const before = tree(path.join(copy, 'terraform'));
    const config = path.join(copy, 'clickpipes.config.yaml');
    fs.writeFileSync(
      config,
      fs.readFileSync(config, 'utf8').replace('topics: [events.*]', 'topics: [events.*, audit]'),
    );
    // What an earlier export left: a stack and a source file the config no longer has, in the record.
    fs.mkdirSync(path.join(copy, 'terraform', 'stacks', 'old'));
    fs.writeFileSync(path.join(copy, 'terraform', 'stacks', 'old', 'cdk.tf.json'), '{}');
    fs.rmSync(path.join(copy, 'terraform', 'stacks', 'prod-eu-west-1', 'cdk.tf.json'));
    fs.writeFileSync(path.join(copy, 'terraform', 'stacks', 'prod-us-east-1', 'clickpipes', 'gone.sql'), '--');
    const recordFile = path.join(copy, 'terraform', 'clickpipes-output.json');
    const record = JSON.parse(fs.readFileSync(recordFile, 'utf8'));
    record.stacks.old = ['cdk.tf.json'];
    record.stacks['prod-us-east-1'].push('clickpipes/gone.sql');
    fs.writeFileSync(recordFile, JSON.stringify(record));
    const stale = run(copy, ['export', '--out', 'terraform', '--check']);
    expect(stale.status).toBe(3);
    expect(stale.stdout).toBe('');
    expect(stale.stderr).toBe(
      [
        'terraform is not what clickpipes.config.yaml synthesizes (JSON):',
        '  analytics: differs: stacks/analytics/cdk.tf.json, differs: stacks/analytics/diagram.md',
        '  prod-eu-west-1: missing: stacks/prod-eu-west-1/cdk.tf.json',
        '  prod-us-east-1: extra: stacks/prod-us-east-1/clickpipes/gone.sql',
        '  old: extra: stacks/old/ is not a stack of the config',
        '  (output): differs: clickpipes-output.json',
        `Run \`${PACKAGE} export --out terraform\` and commit the result.`,
        '',
      ].join('\n'),
    );
    const { 'stacks/prod-eu-west-1/cdk.tf.json': _removed, ...kept } = before;
    expect(tree(path.join(copy, 'terraform'))).toEqual({
      ...kept,
      'stacks/old/cdk.tf.json': '{}',
      'stacks/prod-us-east-1/clickpipes/gone.sql': '--',
      'clickpipes-output.json': JSON.stringify(record),
    });

    // Exporting again brings it up to date: the stale stack removed, Terraform's own files kept.
    fs.writeFileSync(path.join(copy, 'terraform', 'stacks', 'analytics', '.terraform.lock.hcl'), '# lock');
    const { config: changed } = loadConfig({}, copy);
    await exportStacks(changed, { out: path.join(copy, 'terraform') });
    expect(await checkExport(changed, { out: path.join(copy, 'terraform') })).toEqual([]);
    expect(fs.existsSync(path.join(copy, 'terraform', 'stacks', 'old'))).toBe(false);
    expect(fs.existsSync(path.join(copy, 'terraform', 'stacks', 'prod-us-east-1', 'clickpipes', 'gone.sql'))).toBe(
      false,
    );
    expect(fs.existsSync(path.join(copy, 'terraform', 'stacks', 'analytics', '.terraform.lock.hcl'))).toBe(true);
  });

  test('a bad config: exit 1, the path in the message, the committed output untouched', () => {
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const before = tree(path.join(copy, 'terraform'));
    const config = path.join(copy, 'clickpipes.config.yaml');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('type: s3\n  bucket', 'type: gcs\n  bucket'));
    for (const args of [
      ['export', '--out', 'terraform'],
      ['export', '--out', 'terraform', '--check'],
    ]) {
      const r = run(copy, args);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        'Error: clickpipes.config.yaml: backend.type: "gcs" is not a backend type; expected one of "local", "s3", "cloud"\nNothing was written.\n',
      );
    }
    expect(tree(path.join(copy, 'terraform'))).toEqual(before);
    expect(fs.readdirSync(copy).filter((f) => f.startsWith('.terraform'))).toEqual([]);
  });

  test('hand-written files stay; --check names the ones Terraform would load in a stack folder', () => {
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const out = path.join(copy, 'terraform');
    fs.mkdirSync(path.join(out, 'stacks', 'network'));
    fs.writeFileSync(path.join(out, 'stacks', 'network', 'main.tf'), '# network');
    fs.writeFileSync(path.join(out, 'stacks', 'README.md'), '# stacks');
    fs.writeFileSync(path.join(out, 'stacks', 'analytics', 'override.tf'), '# override');
    fs.writeFileSync(path.join(out, 'stacks', 'analytics', 'backdoor.tf.json'), '{}');
    fs.writeFileSync(path.join(out, 'stacks', 'analytics', 'NOTES.md'), 'notes');
    const check = run(copy, ['export', '--out', 'terraform', '--check']);
    expect(check.status).toBe(3);
    expect(check.stderr).toBe(
      [
        'terraform is not what clickpipes.config.yaml synthesizes (JSON):',
        '  analytics: unknown: stacks/analytics/backdoor.tf.json (not written by this app; Terraform would load it), unknown: stacks/analytics/override.tf (not written by this app; Terraform would load it)',
        `Run \`${PACKAGE} export --out terraform\` and commit the result.`,
        '',
      ].join('\n'),
    );
    const before = tree(out);
    // The config changes; the export rewrites only what it wrote.
    const config = path.join(copy, 'clickpipes.config.yaml');
    fs.writeFileSync(
      config,
      fs.readFileSync(config, 'utf8').replace('topics: [events.*]', 'topics: [events.*, audit]'),
    );
    expect(run(copy, ['export', '--out', 'terraform', '--quiet'])).toMatchObject({
      status: 0,
      stderr: 'stacks/network is not a stack of this config and this app did not write it; left as it is.\n',
    });
    const after = tree(out);
    for (const file of [
      'stacks/network/main.tf',
      'stacks/README.md',
      'stacks/analytics/override.tf',
      'stacks/analytics/backdoor.tf.json',
      'stacks/analytics/NOTES.md',
    ])
      expect(after[file]).toBe(before[file]);
    expect(after['stacks/analytics/cdk.tf.json']).not.toBe(before['stacks/analytics/cdk.tf.json']);
  });

  test('--out naming a file, and an unreadable committed file under --check: one line, exit 1', () => {
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    fs.writeFileSync(path.join(copy, 'a-file'), 'x');
    expect(run(copy, ['export', '--out', 'a-file'])).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'Error: a-file: a file stands where the output folder should be; move it away, or write elsewhere (CDKTF_OUTDIR, --out).\n',
    });
    expect(run(copy, ['export', '--out', 'a-file', '--check'])).toEqual({
      status: 1,
      stdout: '',
      stderr: 'Error: a-file: a file, not the folder of an export; name the export folder with --out.\n',
    });
    // Unreadable: as a user other than the owner (root reads everything, so as nobody).
    const file = path.join(copy, 'terraform', 'stacks', 'analytics', 'cdk.tf.json');
    spawnSync('chmod', ['-R', 'a+rX', copy]);
    for (let d = copy; d !== '/'; d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o055);
    fs.chmodSync(file, 0o600);
    const asRoot = process.getuid?.() === 0;
    const r = spawnSync(
      asRoot ? 'runuser' : process.execPath,
      [...(asRoot ? ['-u', 'nobody', '--', process.execPath] : []), MAIN, 'export', '--out', 'terraform', '--check'],
      { cwd: copy, env: { ...process.env, HOME: copy }, encoding: 'utf8' },
    );
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 1,
      stderr:
        'Error: terraform/stacks/analytics/cdk.tf.json: permission denied (EACCES); give this user access to it, or write elsewhere (CDKTF_OUTDIR, --out). Nothing was written.\n',
    });
  });

  test('a usage error exits 2', () => {
    expect(run(dir, ['export', '--out'])).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        new RegExp(`^${PACKAGE}: --out needs a folder \\(--out DIR\\); usage: .*${PACKAGE} export --help\\)\n$`),
      ),
    });
  });

  test('a synth that fails midway leaves the committed output as it was', async () => {
    const copy = tmp();
    fs.cpSync(dir, copy, { recursive: true });
    const before = tree(path.join(copy, 'terraform'));
    // Past the schema (as a library caller could): the construct refuses it mid-synth.
    const { config } = loadConfig({}, copy);
    const broken = structuredClone(config);
    broken.accounts[1].sources![0] = { name: 'x', type: 'rds-mysql' };
    await expect(exportStacks(broken, { out: path.join(copy, 'terraform') })).rejects.toThrow(
      /analytics\/x\.database: name the database in exactly one way/,
    );
    expect(tree(path.join(copy, 'terraform'))).toEqual(before);
    expect(fs.readdirSync(copy).filter((f) => f.startsWith('.terraform'))).toEqual([]);
    // Into a folder that did not exist: none is left behind.
    await expect(exportStacks(broken, { out: path.join(copy, 'new', 'terraform') })).rejects.toThrow(
      /analytics\/x\.database: name the database in exactly one way/,
    );
    expect(fs.existsSync(path.join(copy, 'new', 'terraform'))).toBe(false);
    // Into a folder that did not exist: none is left behind.
    await expect(exportStacks(broken, { out: path.join(copy, 'new', 'terraform') })).rejects.toThrow(
      /analytics\/x\.database: name the database in exactly one way/,
    );
    expect(fs.existsSync(path.join(copy, 'new', 'terraform'))).toBe(false);
  });
});

describe('committed HCL', () => {
  let dir: string;
  beforeAll(() => {
    dir = project();
    expect(run(dir, ['export', '--hcl', '--quiet']).status).toBe(0);
  });

  test('parses, with the blocks of the JSON export; --check passes for HCL and names the form for JSON', async () => {
    const { config } = loadConfig({}, dir);
    const jsonOut = path.join(tmp(), 'json');
    await exportStacks(config, { out: jsonOut });
    for (const stack of ['prod-us-east-1', 'prod-eu-west-1', 'analytics']) {
      const text = fs.readFileSync(path.join(dir, 'terraform', 'stacks', stack, 'cdk.tf'), 'utf8');
      const hcl = (await parseHcl('cdk.tf', text)) as Record<string, Record<string, object>>;
      const json = JSON.parse(fs.readFileSync(path.join(jsonOut, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(addresses(hcl.resource)).toEqual(addresses(json.resource));
      expect(addresses(hcl.data)).toEqual(addresses(json.data));
      expect(Object.keys(hcl.output).sort()).toEqual(Object.keys(json.output).sort());
    }
    const out = path.join(dir, 'terraform');
    expect(await checkExport(config, { out, hcl: true })).toEqual([]);
    expect(describeStale(await checkExport(config, { out }))).toContain(
      'analytics: missing: stacks/analytics/cdk.tf.json, extra: stacks/analytics/cdk.tf, extra: stacks/analytics/metadata.json',
    );
  });

  test('is formatted as terraform fmt formats it: aligned, references unquoted, a final newline', () => {
    const text = fs.readFileSync(path.join(dir, 'terraform', 'stacks', 'prod-eu-west-1', 'cdk.tf'), 'utf8');
    expect(text).toMatch(/\n {2}assume_role_policy {3}= data\.aws_iam_policy_document\.orders-eu_trust_policy\.json\n/);
    expect(text).not.toMatch(/^\s*\w+\s*= "\$\{[^"]*\}"$/m);
    expect(text.endsWith('}\n')).toBe(true);
  });

  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
  (terraform ? test : test.skip)('terraform fmt -check finds nothing to change', () => {
    const r = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', 'terraform'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
