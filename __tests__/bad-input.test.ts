/**
 * The bad-input matrix, end to end: every row of verify/bad-configs.ts (one per malformed field
 * and per refused combination), and malformed files, given to the compiled app over a good
 * cdktf.out. Each must exit 1 with the config path and the expected form in the message, without
 * a stack trace, and leave cdktf.out byte for byte as it was.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_CONFIG, parseConfig, synthesize } from '../lib';
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
  ['a file that is not JSON', '{ "accounts": [ }', '', /^not valid JSON: .+/],
  ['an empty file', '', '', /^not valid JSON: /],
  ['a JSON array', '[]', '(top level)', /^expected a object, got array \[\]$/],
];

/** How many runs of the app overlap: each is a Node.js process loading cdktf, about half a second of CPU. */
const PARALLEL_RUNS = 2;

let base: string;
let before: Record<string, string>;
const runs = new Map<string, AppRun>();
const dirOf = (what: string) => path.join(base, what.replace(/[^A-Za-z0-9]+/g, '-'));

beforeAll(async () => {
  if (!fs.existsSync(MAIN))
    throw new Error('dist/main.js is missing: run `npm test` (it builds first) or `npm run build`');
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-bad-input-'));
  synthesize(parseConfig(EXAMPLE_CONFIG), { outdir: path.join(base, 'good', 'cdktf.out') });
  before = tree(path.join(base, 'good', 'cdktf.out'));
  const queue = [...ROWS];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const [what, content] = row;
      fs.cpSync(path.join(base, 'good'), dirOf(what), { recursive: true });
      fs.writeFileSync(path.join(dirOf(what), 'bad.json'), content);
      runs.set(what, await runAppAsync(dirOf(what), { CLICKPIPES_CONFIG: 'bad.json' }));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_RUNS }, worker));
}, 180_000);
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

test.each(ROWS)(
  '%s: exit 1, the path and the expected form, no stack trace, cdktf.out untouched',
  (what, _c, where, expected) => {
    const r = runs.get(what)!;
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: [\s\S]*\nNothing was written\.\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // One problem per line: "Error: <problem>" alone, or "  - <problem>" under "Error: N problems:".
    const prefix = `bad.json: ${where ? `${where}: ` : ''}`;
    const problems = r.stderr
      .split('\n')
      .map((line) => line.replace(/^(Error: | {2}- )/, ''))
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.slice(prefix.length));
    if (!problems.some((p) => expected.test(p))) {
      throw new Error(`no problem at ${where || 'the file'} matches ${expected}:\n${r.stderr}`);
    }
    expect(tree(path.join(dirOf(what), 'cdktf.out'))).toEqual(before);
    expect(fs.readdirSync(dirOf(what)).filter((f) => f.startsWith('.cdktf.out'))).toEqual([]);
    count('bad-input rows');
  },
);
