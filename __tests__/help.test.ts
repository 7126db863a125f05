import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS, main, mainHelp } from '../main';
import { CONNECT_USAGE, runConnect } from '../lib/database/connect';
import { MAIN, PACKAGE, runApp, tempFolders } from './helpers';
import { ROOT, userProject } from './user-project';

// --help and usage errors of every command and bin, as a Node CLI does them: the help to stdout
// and exit 0; a usage error as one line on stderr naming the argument and pointing at --help, exit 2.

const tmp = tempFolders('cpa-help-');
const CONNECT = path.join(ROOT, 'dist', 'connect.js');

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm test` (it builds first)');
});

// The first case of each table runs the compiled bin; the others run in this process (a process
// start is a tenth of a second of CPU, and the suite has a time budget).

/** The app, as a process for the first case of a table (`index` 0), else in-process. */
async function app(dir: string, args: string[], index: number) {
  if (index === 0) return runApp(dir, {}, args);
  let stdout = '';
  let stderr = '';
  const status = await main(args, { cwd: dir, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

/** clickpipes-connect, likewise (in-process, without the `false` that the bin adds on failure). */
async function connect(args: string[], index: number) {
  if (index === 0) {
    const r = spawnSync(process.execPath, [CONNECT, ...args], { cwd: tmp(), encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }
  const r = await runConnect(args, undefined, tmp());
  return { status: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** The rows of a table with their index, for {@link app} and {@link connect}. */
const indexed = <T extends unknown[]>(rows: T[]) => rows.map((row, i) => [i, ...row] as [number, ...T]);

test.each(indexed([['--help'], ['-h'], ['help'], ['--hcl', '--help']]))('the app (%i): %s', async (i, ...args) => {
  const dir = tmp();
  const r = await app(dir, args, i);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout.startsWith(`usage: ${PACKAGE} [--hcl] [--quiet]\n`)).toBe(true);
  for (const word of ['CLICKPIPES_CONFIG', 'CDKTF_OUTDIR', 'cdktf.out', 'clickpipes-connect --help', 'Exit status'])
    expect(r.stdout).toContain(word);
  for (const [name, command] of Object.entries(COMMANDS)) {
    expect(r.stdout.split('\n')).toContainEqual(expect.stringMatching(new RegExp(`^  ${name} +\\S`)));
    expect(r.stdout).toContain(command.summary);
  }
  expect(Object.keys(COMMANDS)).toContain('export');
  // Nothing was synthesized.
  expect(fs.readdirSync(dir)).toEqual([]);
});

test.each(
  indexed([
    ['export', '--help'],
    ['export', '-h'],
    ['help', 'export'],
    ['export', '--check', '--help'],
  ]),
)('export (%i): %s %s', async (i, ...args) => {
  const dir = tmp();
  const r = await app(dir, args, i);
  expect([r.status, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toBe(`${COMMANDS.export.help}\n`);
  expect(r.stdout.startsWith(`usage: ${PACKAGE} export [--out DIR] [--hcl] [--check] [--quiet]\n`)).toBe(true);
  expect(r.stdout).toContain('CLICKPIPES_CONFIG');
  expect(fs.readdirSync(dir)).toEqual([]);
});

test.each(
  indexed<[string[], string, string | undefined]>([
    [['--json'], 'unknown argument --json', `${PACKAGE} --help`],
    [['-x'], 'unknown argument -x', `${PACKAGE} --help`],
    [['export', '--force'], 'unknown argument --force', `${PACKAGE} export --help`],
    [['export', '--out'], '--out needs a folder (--out DIR)', `${PACKAGE} export --help`],
    [['export', '--out', '--hcl'], '--out needs a folder (--out DIR), got --hcl', `${PACKAGE} export --help`],
    [['export', '--out='], '--out needs a folder (--out DIR)', `${PACKAGE} export --help`],
    [['help', 'deploy'], 'help: no command deploy; the commands: export', undefined],
  ]),
)('usage error (%i): %j', async (i, args, named, pointer) => {
  const dir = tmp();
  const r = await app(dir, args, i);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^${PACKAGE}: `)), '']);
  expect(r.stderr).toContain(named);
  if (pointer) expect(r.stderr).toContain(`(more: ${pointer})`);
  expect(fs.readdirSync(dir)).toEqual([]);
});

test('export --out=DIR and a folder named like a flag with --out=', () => {
  const dir = tmp();
  expect(runApp(dir, {}, ['export', '--out=-committed', '--quiet'])).toMatchObject({ status: 0, stderr: '' });
  expect(fs.readdirSync(path.join(dir, '-committed')).sort()).toEqual([
    'clickpipes-output.json',
    'manifest.json',
    'stacks',
  ]);
});

test.each(indexed([['--help'], ['-h'], ['--source', 'orders', '--help']]))(
  'clickpipes-connect (%i) %s',
  async (i, ...args) => {
    const r = await connect(args, i);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^usage: clickpipes-connect --source <name> --host <endpoint>/);
    for (const word of ['--check', '--port', 'AWS_PROFILE', 'terraform output -raw orders_db_address', 'Exit status'])
      expect(r.stdout).toContain(word);
  },
);

test.each(
  indexed<[string[], string]>([
    [[], 'give --source <name> and --host <endpoint>'],
    [['--verbose'], 'unknown option --verbose'],
    [['orders'], 'unexpected argument "orders"'],
    [['--source'], '--source needs a value'],
  ]),
)('clickpipes-connect usage error (%i): %j', async (i, args, named) => {
  const r = await connect(args, i);
  expect(r.status).toBe(2);
  // The bin's stdout is not a terminal here: `false`, so that `eval "$(clickpipes-connect …)"` fails.
  expect(r.stdout).toBe(i === 0 ? 'false\n' : '');
  expect(r.stderr).toBe(`clickpipes-connect: ${named}; see clickpipes-connect --help\n`);
});

test('the package bins answer --help in a project that installed the package (npx for one: npm costs 2 s a start)', () => {
  const project = userProject('cpa-help-user-');
  try {
    const npx = spawnSync('npx', ['--no-install', PACKAGE, '--help'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_update_notifier: 'false' },
    });
    expect([npx.status, npx.stdout]).toEqual([0, `${mainHelp()}\n`]);
    const bin = spawnSync(path.join(project, 'node_modules', '.bin', 'clickpipes-connect'), ['-h'], {
      cwd: project,
      encoding: 'utf8',
    });
    expect([bin.status, bin.stdout]).toEqual([0, `${CONNECT_USAGE}\n`]);
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});

test('the help file lists the npm scripts that exist, each command of the app, and the connect line of the README', () => {
  const help = fs.readFileSync(path.join(ROOT, 'help'), 'utf8');
  const scripts = Object.keys(
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: object }).scripts,
  );
  const named = [...help.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]);
  expect(named.filter((s) => !scripts.includes(s))).toEqual([]);
  for (const name of Object.keys(COMMANDS))
    expect(help).toMatch(new RegExp(`(npm run|dist/main\\.js|cdktf-clickpipes-aws) ${name}\\b`));
  expect(help).toContain('--help');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const connectLine = /^eval "\$\(npx clickpipes-connect .*$/m.exec(readme)?.[0];
  expect(connectLine).toBeDefined();
  expect(help).toContain(connectLine);
});
