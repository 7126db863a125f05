#!/usr/bin/env node
// `npm run build:cdktn`: the package of this project for CDK Terrain (cdktn), from the one source.
//
// build/cdktn/ is that package's folder: src/ holds main.ts, connect.ts, lib/ and data/ with the
// imports of `cdktf` and `@cdktf/provider-aws|hcl-tools` renamed to their cdktn packages (nothing
// else changes: the provider's deep import paths are the same); TypeScript compiles it into
// dist/ as `tsc -p .` compiles this project into dist/, so bins and tests find the same layout;
// package.json is this project's, renamed `cdktn-clickpipes-aws`, with cdktn's peer ranges.
// Builds only when a source is newer than the last build. `--pack` also runs `npm pack` there.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.join(__dirname, '..');
const out = path.join(root, 'build', 'cdktn');
const stamp = path.join(out, '.build');
const SOURCES = ['main.ts', 'connect.ts', 'lib', 'data'];
const COPIED = ['schema', 'examples', 'README.md'];

/**
 * The renamed module specifiers: the framework, its AWS provider binding and its HCL tools, as
 * patterns and replacements that serve this build and, unchanged, Jest's moduleNameMapper for the
 * cdktn project (jest.config.js), so that the tests and the package rename alike.
 */
const RENAMES = [
  ['^cdktf$', 'cdktn'],
  ['^cdktf/(.*)$', 'cdktn/$1'],
  ['^@cdktf/(provider-aws|hcl-tools)$', '@cdktn/$1'],
  ['^@cdktf/(provider-aws|hcl-tools)/(.*)$', '@cdktn/$1/$2'],
].map(([pattern, replacement]) => [new RegExp(pattern), replacement, pattern]);
/** Module specifiers in import/export declarations, `require(…)` and `import(…)`. */
const SPECIFIER = /(\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^import\s+)(['"])([^'"\n]+)\2/gm;

/** `text` with the framework's module specifiers renamed; throws if a cdktf one is left. */
function renameImports(text, file) {
  const renamed = text.replace(SPECIFIER, (all, lead, quote, spec) => {
    for (const [from, to] of RENAMES) if (from.test(spec)) return `${lead}${quote}${spec.replace(from, to)}${quote}`;
    return all;
  });
  for (const m of renamed.matchAll(SPECIFIER)) {
    if (/^(cdktf(\/|$)|@cdktf\/)/.test(m[3]))
      throw new Error(`${file}: import of ${m[3]} has no cdktn counterpart here`);
  }
  return renamed;
}

/** The newest modification time below `p` (a file or a folder), in ms. */
function newest(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(p).reduce((max, e) => Math.max(max, newest(path.join(p, e))), stat.mtimeMs);
}

/** Copies `from` to `to`, renaming the imports of .ts files. */
function copySource(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (fs.statSync(from).isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const e of fs.readdirSync(from)) copySource(path.join(from, e), path.join(to, e));
  } else if (from.endsWith('.ts')) {
    fs.writeFileSync(to, renameImports(fs.readFileSync(from, 'utf8'), path.relative(root, from)));
  } else {
    fs.copyFileSync(from, to);
  }
}

/** This project's package.json, as the cdktn package's. */
function cdktnPackage() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dev = pkg.devDependencies;
  const { '@cdktf/hcl-tools': _hclTools, ...dependencies } = pkg.dependencies;
  return {
    name: 'cdktn-clickpipes-aws',
    version: pkg.version,
    description: pkg.description.replace('CDK for Terraform', 'CDK Terrain (cdktn)'),
    license: pkg.license,
    keywords: pkg.keywords.map((k) => (k === 'cdktf' ? 'cdktn' : k)),
    main: pkg.main,
    types: pkg.types,
    exports: pkg.exports,
    bin: {
      'cdktn-clickpipes-aws': pkg.bin['cdktf-clickpipes-aws'],
      'clickpipes-connect': pkg.bin['clickpipes-connect'],
    },
    files: pkg.files,
    engines: pkg.engines,
    // The ranges cdktn 0.24 and its AWS provider declare (constructs: >=10.6.0 <10.8.0).
    peerDependencies: {
      '@cdktn/provider-aws': `^${dev['@cdktn/provider-aws']}`,
      cdktn: `^${dev.cdktn}`,
      constructs: '>=10.6.0 <10.8.0',
    },
    dependencies: { ...dependencies, '@cdktn/hcl-tools': `^${dev['@cdktn/hcl-tools']}` },
  };
}

function build() {
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : -1;
  const inputs = [
    ...SOURCES,
    ...COPIED,
    'package.json',
    'tsconfig.json',
    'tsconfig.app.json',
    'scripts/build-cdktn.js',
  ];
  if (!inputs.some((s) => newest(path.join(root, s)) > built)) return false;
  // Built beside the package folder, then swapped in: a run that starts meanwhile uses the last build.
  const next = path.join(root, 'build', `.cdktn-${process.pid}`);
  fs.rmSync(next, { recursive: true, force: true });
  for (const s of SOURCES) copySource(path.join(root, s), path.join(next, 'src', s));
  for (const c of COPIED) fs.cpSync(path.join(root, c), path.join(next, c), { recursive: true });
  fs.writeFileSync(path.join(next, 'package.json'), JSON.stringify(cdktnPackage(), null, 2) + '\n');
  const tsconfig = {
    extends: '../../tsconfig.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', types: ['node'] },
    include: ['src/main.ts', 'src/connect.ts', 'src/lib/**/*.ts'],
  };
  fs.writeFileSync(path.join(next, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', next], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    fs.rmSync(next, { recursive: true, force: true });
    process.stderr.write(
      `build-cdktn: TypeScript failed on the cdktn build of ${SOURCES.join(', ')} (exit ${tsc.status})\n`,
    );
    process.exit(tsc.status ?? 1);
  }
  const old = `${next}-old`;
  if (fs.existsSync(out)) fs.renameSync(out, old);
  fs.renameSync(next, out);
  fs.rmSync(old, { recursive: true, force: true });
  fs.writeFileSync(stamp, '');
  return true;
}

if (require.main === module) {
  try {
    build();
  } catch (e) {
    process.stderr.write(`build-cdktn: ${e.message}\n`);
    process.exit(1);
  }
  if (process.argv.includes('--pack')) {
    const r = spawnSync('npm', ['pack', '--pack-destination', root], { cwd: out, stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
}

/** The renames as Jest's moduleNameMapper takes them. */
const moduleNameMapper = () => Object.fromEntries(RENAMES.map(([, replacement, pattern]) => [pattern, replacement]));

module.exports = { build, renameImports, cdktnPackage, newest, moduleNameMapper, CDKTN_BUILD: out };
