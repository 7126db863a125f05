import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ClickPipesInputError } from '../lib/errors';
import { expectCatalogValid } from './verify/catalog';
import { ProcessRun, runProcess } from './verify/run-process';

/** The stacks synthesized during the current test (on globalThis: setup.ts and the test share it). */
const recorded: string[] = ((globalThis as { __cpaRecordedSynths?: string[] }).__cpaRecordedSynths ??= []);

/**
 * Marks a synthesized stack (Terraform JSON) for the IAM catalog check that runs after the
 * test (setup.ts), and returns it.
 */
export function recordSynth(synth: string): string {
  recorded.push(synth);
  return synth;
}

/** Checks the stacks recorded during the test against the IAM catalog (see verify/catalog.ts). */
export async function checkRecordedSynths(): Promise<void> {
  const synths = recorded.splice(0);
  for (const synth of synths) await expectCatalogValid(synth, 'a stack this test synthesized');
}

/** Terraform JSON of a stack built by `build`, with an `aws` provider for us-east-1; checked against the IAM catalog after the test. */
export function synthStack(build: (scope: Construct) => void): string {
  return recordSynth(
    Testing.synthScope((scope) => {
      new AwsProvider(scope, 'aws', { region: 'us-east-1' });
      build(scope);
    }),
  );
}

type Block = Record<string, unknown>;

/** The synthesized blocks of one type (`resource.aws_iam_role`, `data.aws_iam_policy_document`, `output`). */
export function blocks(synth: string, kind: 'resource' | 'data' | 'output', type?: string): Block[] {
  const json = JSON.parse(synth) as Record<string, Record<string, Record<string, Block>>>;
  const section = json[kind] ?? {};
  if (kind === 'output') return Object.values(section as unknown as Record<string, Block>);
  return Object.values(section[type!] ?? {});
}

/** The one block of a type; fails when there are none or several. */
export function only(synth: string, kind: 'resource' | 'data', type: string): Block {
  const found = blocks(synth, kind, type);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${type}, found ${found.length}`);
  return found[0];
}

/** The policy documents of a stack, by name. */
export function policyDocuments(synth: string): Record<string, { statement: Block[] }> {
  const json = JSON.parse(synth) as { data?: { aws_iam_policy_document?: Record<string, { statement: Block[] }> } };
  return json.data?.aws_iam_policy_document ?? {};
}

export const CLICKHOUSE_ROLE = 'arn:aws:iam::111122223333:role/CH-S3-example-Role';

/** `type.name` of every block of a `resource` or `data` section, sorted. */
export function addresses(section: Record<string, object>): string[] {
  return Object.entries(section)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}

/** The framework of this Jest project: `cdktf`, or `cdktn` (see framework-env.ts). */
export const TEST_FRAMEWORK: 'cdktf' | 'cdktn' = process.env.CLICKPIPES_FRAMEWORK === 'cdktn' ? 'cdktn' : 'cdktf';

/** This project's package for the framework of this Jest project (and the name of its bin). */
export const PACKAGE = TEST_FRAMEWORK === 'cdktn' ? 'cdktn-clickpipes-aws' : 'cdktf-clickpipes-aws';

/** The compiled package of this project's framework: dist/, or build/cdktn/dist (`npm test` builds both first). */
export const DIST =
  TEST_FRAMEWORK === 'cdktn'
    ? path.join(__dirname, '..', 'build', 'cdktn', 'dist')
    : path.join(__dirname, '..', 'dist');

/** The compiled app. */
export const MAIN = path.join(DIST, 'main.js');

/**
 * The CLI of this project's framework as a user runs it: `cdktf`, or `cdktn` with a Node.js it
 * supports (22.19 or later, found by the global setup: scripts/node22.js) first on PATH.
 */
export function frameworkCli(): { readonly name: 'cdktf' | 'cdktn'; readonly env: Record<string, string> } {
  if (TEST_FRAMEWORK === 'cdktf') return { name: 'cdktf', env: {} };
  const node = process.env.CLICKPIPES_TEST_NODE22;
  if (!node) throw new Error('no Node.js for cdktn-cli: the global setup (scripts/node22.js) could not install one');
  return { name: 'cdktn', env: { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}` } };
}

/** Runs the compiled app in `cwd`. */
export function runApp(cwd: string, env: Record<string, string> = {}, args: string[] = []): AppRun {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, env: appEnv(env), encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The outcome of a run of the app. */
export type AppRun = ProcessRun;

/** The test process's environment without the app's own variables, plus `env`. */
function appEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const baseEnv = { ...process.env };
  delete baseEnv.CLICKPIPES_CONFIG;
  delete baseEnv.CDKTF_OUTDIR;
  delete baseEnv.SYNTH_HCL_OUTPUT;
  return { ...baseEnv, ...env };
}

/** {@link runApp} without blocking, so that several runs can overlap. */
export function runAppAsync(cwd: string, env: Record<string, string> = {}): Promise<AppRun> {
  return runProcess(process.execPath, [MAIN], { cwd, env: appEnv(env) });
}

/** Every file below `dir`, relative path → content. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** The statements of the one policy document whose Terraform name holds `part` (`kinesis_read`, `trust`). */
export function statementsOf(synth: string, part: string): Block[] {
  const found = Object.entries(policyDocuments(synth)).filter(([name]) => name.includes(part));
  if (found.length !== 1) throw new Error(`expected one policy document named *${part}*, found ${found.length}`);
  return found[0][1].statement;
}

/** The problems of the user error that `run` throws; none when it throws nothing. */
export function inputProblems(run: () => unknown): string[] {
  try {
    run();
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) return [...e.problems];
    throw e;
  }
  return [];
}

/**
 * A maker of temporary folders for one test file, all removed after its tests. Call it at the top
 * level of the file (it registers the `afterAll`).
 */
export function tempFolders(defaultPrefix: string): (prefix?: string) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (prefix = defaultPrefix) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * Resolves with 'stopped' once `child` has stopped itself (SIGSTOP at a test-only stop point of
 * the app, `CLICKPIPES_TEST_STOP_AT`), or with its exit code when it ended first.
 */
export function stoppedOrExited(child: ChildProcess): Promise<'stopped' | number> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      let stat = '';
      try {
        stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      } catch {
        // Not started yet, or gone: the exit event tells.
      }
      if (/^\d+ \(.*\) T /.test(stat)) {
        clearInterval(poll);
        resolve('stopped');
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve(code ?? -1);
    });
  });
}

/** Kills `child` with SIGKILL and resolves once it is gone (at once when it has ended by itself). */
export const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
