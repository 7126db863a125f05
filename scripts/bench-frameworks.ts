/**
 * `npm run bench -- --only-frameworks` (section 7 of scripts/bench.ts): the two packages of the one
 * source, cdktf-clickpipes-aws on CDK for Terraform and cdktn-clickpipes-aws on CDK Terrain, as a
 * user installs them: each packed (`npm pack`), installed into an empty project with the peer
 * dependencies it declares (`npm install`, from the npm cache when it holds them), then
 * - install size: the project's node_modules on disk (library, its dependencies and its peers),
 *   and the framework's CLI installed the same way into a second project;
 * - synth time: the package's bin synthesizing the default app in a fresh process, the two
 *   packages alternating, median of `runs`.
 * For the record, no target: a team picks its framework for support, not speed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { median } from './median';

type Framework = 'cdktf' | 'cdktn';

interface Installed {
  readonly framework: Framework;
  readonly project: string;
  readonly bin: string;
  readonly libraryBytes: number;
  readonly cliBytes: number;
}

/** Bytes on disk under `dir` (regular files; links not followed). */
function diskBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += diskBytes(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${r.stderr}`);
  return r.stdout;
}

/** An empty project with `specs` installed by npm; returns its folder. */
function npmProject(prefix: string, specs: string[], env: NodeJS.ProcessEnv): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'acme-infra', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], dir, env);
  return dir;
}

/** Packs the framework's package, installs it with its peers, and its CLI beside it. */
function install(root: string, framework: Framework, env: NodeJS.ProcessEnv, work: string): Installed {
  const packageDir = framework === 'cdktf' ? root : path.join(root, 'build', 'cdktn');
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    bin: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  const tarball = path.join(
    work,
    run('npm', ['pack', '--pack-destination', work, '--loglevel=error'], packageDir, env).trim().split('\n').pop()!,
  );
  const dev = (
    JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }
  ).devDependencies;
  // The peers at the versions this project tests with (each within the declared range).
  const peers = Object.keys(pkg.peerDependencies).map((name) => `${name}@${dev[name].replace(/^[\^~]/, '')}`);
  const project = npmProject(`cpa-bench-${framework}-`, [tarball, ...peers], env);
  const cliName = `${framework}-cli`;
  const cli = npmProject(`cpa-bench-${cliName}-`, [`${cliName}@${dev[cliName].replace(/^[\^~]/, '')}`], env);
  const installed: Installed = {
    framework,
    project,
    bin: path.join(project, 'node_modules', pkg.name, pkg.bin[pkg.name]),
    libraryBytes: diskBytes(path.join(project, 'node_modules')),
    cliBytes: diskBytes(path.join(cli, 'node_modules')),
  };
  fs.rmSync(cli, { recursive: true, force: true });
  return installed;
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** Section 7: prints the table; throws when an install or a synth fails. */
export function benchFrameworks(root: string, runs: number, env: NodeJS.ProcessEnv): void {
  console.log(
    `\n7. One source, two frameworks: each package packed, installed with its peers, its bin synthesizing the default app (${runs} runs each, alternating)`,
  );
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-bench-frameworks-'));
  const both: Installed[] = [];
  try {
    for (const framework of ['cdktf', 'cdktn'] as const) both.push(install(root, framework, env, work));
    const times = new Map(both.map((b) => [b, [] as number[]]));
    const synthOnce = (b: Installed) => {
      const cwd = fs.mkdtempSync(path.join(work, `synth-${b.framework}-`));
      const start = process.hrtime.bigint();
      run(process.execPath, [b.bin, '--quiet'], cwd, env);
      return Number(process.hrtime.bigint() - start) / 1e9;
    };
    both.forEach(synthOnce); // warm-up
    for (let i = 0; i < runs; i++) for (const b of both) times.get(b)!.push(synthOnce(b));
    console.log('  | framework | synth, median | install: library + peers | install: the CLI |');
    console.log('  |---|---|---|---|');
    for (const b of both) {
      console.log(
        `  | ${b.framework} | ${median(times.get(b)!).toFixed(3)} s | ${mib(b.libraryBytes)} | ${mib(b.cliBytes)} |`,
      );
    }
    const [f, n] = both.map((b) => median(times.get(b)!));
    console.log(
      `  cdktn / cdktf synth: ${(n / f).toFixed(2)}x; install ${(both[1].libraryBytes / both[0].libraryBytes).toFixed(2)}x`,
    );
  } finally {
    for (const b of both) fs.rmSync(b.project, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }
}
