/**
 * The bad-input matrix, end to end: every row of verify/bad-configs.ts (one per malformed field
 * and per refused combination), and malformed files, given to the app over a good cdktf.out.
 * Each must exit 1 with the config path and the expected form in the message, without a stack
 * trace, and leave cdktf.out byte for byte as it was.
 *
 * Every row runs through the app's `main` in-process (a Node.js process of the app costs half a
 * second of CPU, loading cdktf); a sample of rows also runs as the real process, which must
 * print the same bytes and exit with the same code.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
import { main } from '../main';
import { AppRun, MAIN, runAppAsync, tree } from './helpers';
import { BAD_CONFIG_ROWS, Config, valid } from './verify/bad-configs';
import { count } from './verify/counts';

/** [what, file content, config path the message must name ('' for the file itself), expected text]. */
const ROWS: [string, string, string, RegExp][] = [
  ...BAD_CONFIG_ROWS.map(([what, mutate, where, expected]): [string, string, string, RegExp] => {
    const config = valid() as Config;
    mutate(config);
    return [what, JSON.stringify(config, null, 2), where, expected];
  }),
  ['a file that is not JSON', '{ "accounts": [ }', '', /^1:17: not valid JSON: Unexpected token '\}'$/],
  ['an empty file', '', '', /^1:1: not valid JSON: Unexpected end of JSON input$/],
  ['a JSON array', '[]', '(top level)', /^expected an object, got array \[\]$/],
  [
    'several problems at once',
    JSON.stringify({
      clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
      accounts: [
        {
          name: 'prod',
          accountId: '1234',
          region: 'us-east-1',
          sources: [{ name: 'orders', type: 'aurora-postgres', resourceId: 'db-ABCDEFGHIJKLMNOP', pipeMode: 'cdc' }],
        },
      ],
    }),
    'accounts[0].sources[0].resourceId',
    /is a DB instance resource ID, but Aurora IAM authentication is granted on the cluster/,
  ],
];

/** The rows that also run as a process of the app: a field, two combinations, an unknown field, the files. */
const AS_PROCESS = [
  'account ID of 11 digits',
  'two ways to name the database',
  'the same role name twice in one AWS account',
  'misspelt field',
  'a file that is not JSON',
  'an empty file',
  'a JSON array',
  'several problems at once',
];

let base: string;
let before: Record<string, string>;
const dirOf = (what: string) => path.join(base, what.replace(/[^A-Za-z0-9]+/g, '-'));

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-bad-input-'));
  synthesize(parseConfig(EXAMPLE_CONFIG), { outdir: path.join(base, 'good', 'cdktf.out') });
  before = tree(path.join(base, 'good', 'cdktf.out'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A folder holding the good cdktf.out and `bad.json` with `content`. */
function badFolder(what: string, content: string): string {
  const dir = dirOf(what);
  fs.cpSync(path.join(base, 'good'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bad.json'), content);
  return dir;
}

/** Runs `main` in-process in `dir`, the config named by CLICKPIPES_CONFIG. */
async function runInProcess(dir: string): Promise<AppRun> {
  let stdout = '';
  let stderr = '';
  const status = await main([], {
    env: { CLICKPIPES_CONFIG: 'bad.json' },
    cwd: dir,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

const inProcess = new Map<string, AppRun>();

test.each(ROWS)(
  '%s: exit 1, the path and the expected form, no stack trace, cdktf.out untouched',
  async (what, content, where, expected) => {
    const dir = badFolder(what, content);
    // A crash (anything but a user error) would throw here, with its stack trace.
    const r = await runInProcess(dir);
    inProcess.set(what, r);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: [\s\S]*\nNothing was written\.\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // One problem per line: "Error: <problem>" alone, or "  - <problem>" under "Error: N problems:".
    // A problem of the whole file is "bad.json:LINE:COLUMN: …", one of a field "bad.json: PATH: …".
    const prefix = where ? `bad.json: ${where}: ` : 'bad.json:';
    const problems = r.stderr
      .split('\n')
      .map((line) => line.replace(/^(Error: | {2}- )/, ''))
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.slice(prefix.length));
    if (!problems.some((p) => expected.test(p))) {
      throw new Error(`no problem at ${where || 'the file'} matches ${expected}:\n${r.stderr}`);
    }
    expect(tree(path.join(dir, 'cdktf.out'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.cdktf.out'))).toEqual([]);
    count('bad-input rows');
  },
);

describe('as a process of the app', () => {
  const runs = new Map<string, AppRun>();
  beforeAll(async () => {
    if (!fs.existsSync(MAIN))
      throw new Error('dist/main.js is missing: run `npm test` (it builds first) or `npm run build`');
    // Two at a time: each loads cdktf.
    const queue = [...AS_PROCESS];
    const worker = async () => {
      for (let what = queue.shift(); what; what = queue.shift()) {
        const [, content] = ROWS.find(([w]) => w === what)!;
        const dir = badFolder(`process ${what}`, content);
        runs.set(what, await runAppAsync(dir, { CLICKPIPES_CONFIG: 'bad.json' }));
        expect(tree(path.join(dir, 'cdktf.out'))).toEqual(before);
      }
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  test.each(AS_PROCESS)('%s: the same exit code and bytes as in-process', async (what) => {
    const [, content] = ROWS.find(([w]) => w === what)!;
    const expected = inProcess.get(what) ?? (await runInProcess(badFolder(`again ${what}`, content)));
    expect(runs.get(what)).toEqual(expected);
  });
});
