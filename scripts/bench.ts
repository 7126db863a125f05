/**
 * `npm run bench`: the speed targets, measured side by side in one run.
 *
 * 1. Synth of the default app in a fresh process: this project's way (`node dist/main.js`, the
 *    compiled app with deep provider imports) against the `cdktf init` template's way on the same
 *    stack (`npx cdktf synth` running `ts-node main.ts` with TypeScript 5, the provider barrel
 *    imported). Target: median at least 5x faster. Runs alternate between the two commands.
 * 2. The whole Jest suite (`npx jest`). Target: under 20 s.
 * 3. For the record: `npx cdktf synth` with this project's cdktf.json (build + compiled app), and
 *    the type-check with TypeScript 7 against TypeScript 5.
 *
 * Options: --runs N (synth runs per command, default 5), --skip-jest.
 * Exits 1 when a target is missed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { copyProject } from './project-copy';

const ROOT = path.resolve(__dirname, '..', '..');
/** The provider package's barrel, which the baseline imports (this project imports by deep path). */
const PROVIDER_BARREL = '@cdktf/provider-aws';
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CI: 'true' };
delete env.CLICKPIPES_CONFIG;
delete env.CDKTF_OUTDIR;

interface Command {
  readonly name: string;
  readonly cwd: string;
  readonly argv: readonly string[];
}

/** Runs a command once; returns wall seconds, or throws with its output when it fails. */
function timeOnce(c: Command): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${c.name} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (s: number) => `${s.toFixed(3)} s`;

/** Runs the commands in turn, `n` rounds (after one warm-up round), and returns their times. */
function race(commands: Command[], n: number): Map<Command, number[]> {
  const times = new Map(commands.map((c) => [c, [] as number[]]));
  commands.forEach(timeOnce);
  for (let i = 0; i < n; i++) for (const c of commands) times.get(c)!.push(timeOnce(c));
  return times;
}

function report(times: Map<Command, number[]>): void {
  for (const [c, t] of times) {
    console.log(
      `  ${c.name.padEnd(58)} median ${fmt(median(t))}  min ${fmt(Math.min(...t))}  max ${fmt(Math.max(...t))}  (n=${t.length})`,
    );
  }
}

/** A copy of the app laid out as `cdktf init --template=typescript` makes it: ts-node, TypeScript 5, the provider barrel. */
function templateProject(): string {
  const dir = copyProject(ROOT, 'cpa-template-', ['lib']);
  const main = fs.readFileSync(path.join(ROOT, 'main.ts'), 'utf8').replace(/^#!.*\n/, '');
  // The template's code imports provider classes from the package's barrel: this is the baseline, on purpose.
  fs.writeFileSync(path.join(dir, 'main.ts'), `import * as aws from '${PROVIDER_BARREL}';\nvoid aws;\n${main}`);
  fs.writeFileSync(
    path.join(dir, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'npx ts-node main.ts', sendCrashReports: 'false' }),
  );
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        alwaysStrict: true,
        declaration: true,
        experimentalDecorators: true,
        inlineSourceMap: true,
        inlineSources: true,
        lib: ['es2018'],
        module: 'CommonJS',
        noEmitOnError: true,
        noFallthroughCasesInSwitch: true,
        noImplicitAny: true,
        noImplicitReturns: true,
        noImplicitThis: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        resolveJsonModule: true,
        strict: true,
        strictNullChecks: true,
        strictPropertyInitialization: true,
        stripInternal: true,
        target: 'ES2018',
        incremental: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['**/*.ts'],
      exclude: ['node_modules', 'cdktf.out'],
    }),
  );
  return dir;
}

function main(): number {
  const failures: string[] = [];
  console.log(
    `Machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n`,
  );

  const template = templateProject();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-bench-'));
  const project = copyProject(ROOT, 'cpa-project-');
  try {
    // ts-node needs the TypeScript 5 API, which TypeScript 7 does not have.
    env.TS_NODE_COMPILER = 'typescript5';
    const ours: Command = {
      name: 'this project: node dist/main.js',
      cwd: work,
      argv: [process.execPath, path.join(ROOT, 'dist', 'main.js'), '--quiet'],
    };
    const theirs: Command = {
      name: 'template: npx cdktf synth (ts-node, TS 5, barrel)',
      cwd: template,
      argv: ['npx', 'cdktf', 'synth'],
    };
    const cli: Command = {
      name: 'this project: npx cdktf synth (cdktf.json: tsc + node)',
      cwd: project,
      argv: ['npx', 'cdktf', 'synth'],
    };

    console.log(`1. Synth of the default app in a fresh process (${runs} alternating runs each, after a warm-up)`);
    const synth = race([ours, theirs, cli], runs);
    report(synth);
    const ratio = median(synth.get(theirs)!) / median(synth.get(ours)!);
    console.log(`  speed-up, template median / this project median: ${ratio.toFixed(1)}x (target: at least 5x)`);
    if (ratio < 5) failures.push(`synth speed-up ${ratio.toFixed(1)}x < 5x`);
    const same =
      fs.readFileSync(path.join(work, 'cdktf.out/stacks/prod/cdk.tf.json'), 'utf8') ===
      fs.readFileSync(path.join(template, 'cdktf.out/stacks/prod/cdk.tf.json'), 'utf8');
    console.log(`  both ways wrote the same stacks: ${same ? 'yes' : 'NO'}`);
    if (!same) failures.push('the template way and this project wrote different stacks');

    console.log('\n2. Type-check of the project (tsc --noEmit, 3 alternating runs each)');
    const tc = race(
      [
        {
          name: 'TypeScript 7 (native)',
          cwd: ROOT,
          argv: [process.execPath, 'node_modules/typescript/bin/tsc', '-p', '.', '--noEmit'],
        },
        {
          name: 'TypeScript 5.9',
          cwd: ROOT,
          argv: [process.execPath, 'node_modules/typescript5/bin/tsc', '-p', '.', '--noEmit'],
        },
      ],
      3,
    );
    report(tc);

    if (!args.includes('--skip-jest')) {
      console.log('\n3. The whole Jest suite (npx jest, 3 runs)');
      const jest = race([{ name: 'npx jest', cwd: ROOT, argv: ['npx', 'jest', '--silent'] }], 3);
      report(jest);
      const m = median([...jest.values()][0]);
      console.log(`  target: under 20 s: ${m < 20 ? 'met' : 'MISSED'}`);
      if (m >= 20) failures.push(`jest suite median ${fmt(m)} >= 20 s`);
    }
  } finally {
    fs.rmSync(template, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  }
  console.log(failures.length ? `\nMISSED: ${failures.join('; ')}` : '\nAll speed targets met.');
  return failures.length ? 1 : 0;
}

process.exitCode = main();
