/**
 * Config files read as a user would expect (issues 10 and 11): what must be accepted (a JSON
 * file with a byte order mark, YAML anchors used in every source), what must be refused with one
 * line naming its cause (an empty CLICKPIPES_CONFIG, YAML aliases that explode), and messages in
 * the order of the file. The refusals of single fields are rows of the bad-input matrix
 * (verify/bad-configs.ts, bad-input.test.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE_CONFIG, loadConfig, parseConfig } from '../lib';
import { main } from '../main';
import { CLICKHOUSE_ROLE, inputProblems, synthStack, tempFolders, tree } from './helpers';
import { valid } from './verify/bad-configs';
import { ClickPipesRdsIamAccess } from '../lib/constructs/rds-iam-access';

const temp = tempFolders('cpa-config-input-');

/** Runs the app in-process in `dir`; the exit code and output. */
async function run(dir: string, env: NodeJS.ProcessEnv) {
  let stdout = '';
  let stderr = '';
  const status = await main([], { env, cwd: dir, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

test('a JSON file with a byte order mark is read as without it (as a YAML file is)', async () => {
  const dir = temp();
  const text = JSON.stringify(valid(), null, 2);
  fs.writeFileSync(path.join(dir, 'plain.json'), text);
  fs.writeFileSync(path.join(dir, 'bom.json'), `\uFEFF${text}`);
  expect(loadConfig({ CLICKPIPES_CONFIG: 'bom.json' }, dir).config).toEqual(
    loadConfig({ CLICKPIPES_CONFIG: 'plain.json' }, dir).config,
  );
  const r = await run(dir, { CLICKPIPES_CONFIG: 'bom.json', CDKTF_OUTDIR: 'out-bom' });
  expect(r).toMatchObject({ status: 0, stderr: '' });
  await run(dir, { CLICKPIPES_CONFIG: 'plain.json', CDKTF_OUTDIR: 'out-plain' });
  expect(tree(path.join(dir, 'out-bom'))).toEqual(tree(path.join(dir, 'out-plain')));
});

describe('YAML anchors and aliases', () => {
  /** A YAML config of `n` Kinesis sources, each naming the ClickHouse role by one alias. */
  const aliased = (n: number) =>
    [
      `clickHouseIamRoleArn: &clickhouse ${CLICKHOUSE_ROLE}`,
      'accounts:',
      '  - name: prod',
      '    accountId: "123456789012"',
      '    region: us-east-1',
      `    iamQuotas: { rolesPerAccount: ${Math.max(n, 1000)} }`,
      '    sources:',
      ...Array.from({ length: n }, (_, i) =>
        [
          `      - name: s${i}`,
          '        type: kinesis',
          '        streams: [s]',
          '        clickHouseIamRoleArn: *clickhouse',
        ].join('\n'),
      ),
    ].join('\n');

  test.each([100, 2000])('one anchor used %i times is a normal file: read', (n) => {
    const dir = temp();
    fs.writeFileSync(path.join(dir, 'c.yaml'), aliased(n));
    const { config } = loadConfig({ CLICKPIPES_CONFIG: 'c.yaml' }, dir);
    const sources = config.accounts[0].sources!;
    expect(sources).toHaveLength(n);
    expect(sources.every((s) => s.clickHouseIamRoleArn === CLICKHOUSE_ROLE)).toBe(true);
  });

  test('aliases that expand exponentially ("billion laughs") are refused in one line', async () => {
    const dir = temp();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(', ')}]`,
      );
    }
    fs.writeFileSync(path.join(dir, 'c.yaml'), levels.join('\n'));
    const r = await run(dir, { CLICKPIPES_CONFIG: 'c.yaml' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /^Error: c\.yaml: not valid YAML: its aliases expand more than 10,000 times \(Excessive alias count indicates a resource exhaustion attack\); write the repeated values out\nNothing was written\.\n$/,
    );
  });
});

test('CLICKPIPES_CONFIG set but empty is named, rather than read as the working directory', async () => {
  const dir = temp();
  for (const value of ['', '  ']) {
    const r = await run(dir, { CLICKPIPES_CONFIG: value });
    expect(r).toEqual({
      status: 1,
      stdout: '',
      stderr:
        'Error: CLICKPIPES_CONFIG is set but empty; set it to the path of a config file, or unset it to read ./clickpipes.config.json (or .yaml)\nNothing was written.\n',
    });
  }
  const folder = await run(dir, { CLICKPIPES_CONFIG: '.' });
  expect(folder.stderr).toBe(
    'Error: .: cannot read the config (a folder, not a file); check CLICKPIPES_CONFIG\nNothing was written.\n',
  );
});

test('problems are listed in the order of the file, whatever order the checks find them in', () => {
  const raw = valid() as unknown as { accounts: Record<string, unknown>[]; [k: string]: unknown };
  const account = raw.accounts[0];
  raw.clickHouseIamRoleArn = 'arn:aws:iam::111122223333:user/x'; // before "accounts" in the file
  account.accountId = '1';
  (account.sources as Record<string, unknown>[])[1].dbUsr = 'x';
  account.regin = 'x'; // last field of the entry
  const problems = inputProblems(() => parseConfig(raw, 'c.json')).map((p) => p.split(':').slice(0, 2).join(':'));
  expect(problems).toEqual([
    'c.json: clickHouseIamRoleArn',
    'c.json: accounts[0].accountId',
    'c.json: accounts[0].sources[1].dbUsr',
    'c.json: accounts[0].regin',
  ]);
});

test('the embedded example still parses, and the construct refuses a security group given twice', () => {
  expect(() => parseConfig(EXAMPLE_CONFIG)).not.toThrow();
  const problems = inputProblems(() =>
    synthStack((s) => {
      new ClickPipesRdsIamAccess(s, 'orders', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        engine: 'rds-postgres',
        dbInstanceIdentifier: 'orders-prod',
        networkAccess: {
          clickHouseRegion: 'us-east-1',
          securityGroupIds: ['sg-0123456789abcdef0', 'sg-0123456789abcdef0'],
        },
      });
    }),
  );
  expect(problems).toEqual([
    expect.stringMatching(
      /orders\.networkAccess\.securityGroupIds\[1\]: "sg-0123456789abcdef0" is already networkAccess\.securityGroupIds\[0\]; list each security group once$/,
    ),
  ]);
});
