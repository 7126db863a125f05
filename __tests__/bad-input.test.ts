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

/** The valid config as indented JSON, and the line of its `"accounts"`. */
const VALID_TEXT = JSON.stringify(valid(), null, 2);
const ACCOUNTS_LINE = VALID_TEXT.split('\n').findIndex((l) => l.startsWith('  "accounts"')) + 1;
const VALID_LINES = VALID_TEXT.split('\n').length;
/** The valid config as YAML (JSON is YAML), with `accountId` as a plain number. */
const YAML_ACCOUNT_ID = VALID_TEXT.replace(/"accountId": "\d+"/, '"accountId": 012345678901');

/**
 * [what, file content, config path the message must name ('' for the file itself), expected
 * text, file name (default bad.json)].
 */
const ROWS: [string, string, string, RegExp, string?][] = [
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
  // Issue 11 and issue 10 (item 9): files that crashed the app, or were read wrongly.
  [
    'a second "accounts" key',
    VALID_TEXT.replace(/\n}$/, ',\n  "accounts": []\n}'),
    '',
    new RegExp(
      `^${VALID_LINES}:3: the key "accounts" is given twice in one object \\(first at line ${ACCOUNTS_LINE}\\); a JSON reader keeps only the last one silently: give it once$`,
    ),
  ],
  [
    'an array 4,500 deep in a string field',
    VALID_TEXT.replace(/"dbUser": "[^"]*"/, `"dbUser": ${'['.repeat(4500)}"x"${']'.repeat(4500)}`),
    'accounts[0].sources[1].dbUser',
    /^nested more than 64 levels deep; no config field nests like this$/,
  ],
  [
    'YAML !!binary at the top',
    '!!binary aGVsbG8=\n',
    '(top level)',
    /^binary data \(YAML !!binary\); expected text, a number, true or false, a list or a mapping$/,
    'bad.yaml',
  ],
  [
    'YAML account ID as a number with a leading zero',
    YAML_ACCOUNT_ID,
    'accounts[0].accountId',
    /^012345678901 is read by YAML as the number 12345678901; write it in quotes: "012345678901"$/,
    'bad.yaml',
  ],
  ['an empty YAML file', '', '', /^ the file is empty; expected a config with "accounts"/, 'bad.yaml'],
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
  'a second "accounts" key',
  'an array 4,500 deep in a string field',
  'YAML account ID as a number with a leading zero',
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

/** A folder holding the good cdktf.out and `file` with `content`. */
function badFolder(what: string, content: string, file = 'bad.json'): string {
  const dir = dirOf(what);
  fs.cpSync(path.join(base, 'good'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), content);
  return dir;
}

/** Runs `main` in-process in `dir`, the config `file` named by CLICKPIPES_CONFIG. */
async function runInProcess(dir: string, file = 'bad.json'): Promise<AppRun> {
  let stdout = '';
  let stderr = '';
  const status = await main([], {
    env: { CLICKPIPES_CONFIG: file },
    cwd: dir,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

const inProcess = new Map<string, AppRun>();

test.each(ROWS)(
  '%s: exit 1, the path and the expected form, no stack trace, cdktf.out untouched',
  async (what, content, where, expected, file = 'bad.json') => {
    const dir = badFolder(what, content, file);
    // A crash (anything but a user error) would throw here, with its stack trace.
    const r = await runInProcess(dir, file);
    inProcess.set(what, r);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: [\s\S]*\nNothing was written\.\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // One problem per line: "Error: <problem>" alone, or "  - <problem>" under "Error: N problems:".
    // A problem of the whole file is "bad.json:LINE:COLUMN: …", one of a field "bad.json: PATH: …".
    const prefix = where ? `${file}: ${where}: ` : `${file}:`;
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
    // A long value is cut: the message stays short however big the input.
    expect(r.stderr.length).toBeLessThan(5000);
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
        const [, content, , , file = 'bad.json'] = ROWS.find(([w]) => w === what)!;
        const dir = badFolder(`process ${what}`, content, file);
        runs.set(what, await runAppAsync(dir, { CLICKPIPES_CONFIG: file }));
        expect(tree(path.join(dir, 'cdktf.out'))).toEqual(before);
      }
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  test.each(AS_PROCESS)('%s: the same exit code and bytes as in-process', async (what) => {
    const [, content, , , file = 'bad.json'] = ROWS.find(([w]) => w === what)!;
    const expected = inProcess.get(what) ?? (await runInProcess(badFolder(`again ${what}`, content, file), file));
    expect(runs.get(what)).toEqual(expected);
  });
});
