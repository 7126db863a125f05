/**
 * Where `clickpipes-connect` finds a synthesized source, and what Terraform knows of it.
 *
 * The helper runs where `terraform output` runs: in a stack folder (`cdktf.out/stacks/<stack>`,
 * or `terraform/stacks/<stack>` of an export), which holds `clickpipes/sources.json`. From the
 * project folder it reads `cdktf.out/stacks/*` instead; `--outdir` names another output folder.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ClickPipesInputError } from '../errors';
import { SOURCES_FILE, SOURCE_FILES_DIR, SourceConnectionInfo } from '../app/source-info';

/** A source found in a synthesized stack, and the stack folder it is in (where Terraform runs). */
export interface FoundSource {
  readonly info: SourceConnectionInfo;
  readonly stack: string;
  readonly stackDir: string;
}

const sourcesFile = (stackDir: string) => path.join(stackDir, SOURCE_FILES_DIR, SOURCES_FILE);

/** The `clickpipes/sources.json` of a synthesized stack folder. @throws ClickPipesInputError */
export function readStackSources(stackDir: string): Record<string, SourceConnectionInfo> {
  const file = sourcesFile(stackDir);
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { sources: Record<string, SourceConnectionInfo> }).sources;
  } catch (e) {
    throw new ClickPipesInputError([`cannot read ${file} (${(e as Error).message}); synthesize first (npm run synth)`]);
  }
}

/** The `clickpipes/sources.json` of stack `stack` in an output folder. @throws ClickPipesInputError */
export function readSources(outdir: string, stack: string): Record<string, SourceConnectionInfo> {
  return readStackSources(path.join(outdir, 'stacks', stack));
}

/**
 * Finds `source`: in the stack folder `cwd` when it holds `clickpipes/sources.json` and no
 * `outdir` is given, else in `outdir` (default `cwd/cdktf.out`), in stack `stack` or in the one
 * stack that has it.
 *
 * @throws ClickPipesInputError naming where it looked and what to do
 */
export function findSource(source: string, where: { cwd: string; outdir?: string; stack?: string }): FoundSource {
  if (where.outdir === undefined && fs.existsSync(sourcesFile(where.cwd))) {
    const stack = path.basename(where.cwd);
    if (where.stack !== undefined && where.stack !== stack) {
      throw new ClickPipesInputError([
        `--stack ${where.stack}: this folder is the stack folder of ${stack}; run in the folder of ${where.stack}, or drop --stack`,
      ]);
    }
    const info = readStackSources(where.cwd)[source];
    if (!info) {
      const known = Object.keys(readStackSources(where.cwd));
      throw new ClickPipesInputError([
        `--source ${source}: no such RDS/Aurora source in this stack folder (${stack}); its sources: ${known.join(', ')}`,
      ]);
    }
    return { info, stack, stackDir: where.cwd };
  }
  const outdir = path.resolve(where.cwd, where.outdir ?? 'cdktf.out');
  const stacksDir = path.join(outdir, 'stacks');
  const stacks = where.stack
    ? [where.stack]
    : fs.existsSync(stacksDir)
      ? fs.readdirSync(stacksDir).filter((s) => fs.existsSync(sourcesFile(path.join(stacksDir, s))))
      : [];
  const shown = where.outdir ?? 'cdktf.out';
  if (stacks.length === 0) {
    throw new ClickPipesInputError([
      `--source ${source}: no synthesized stack here: run in a stack folder (${shown}/stacks/<stack>, which holds ${SOURCE_FILES_DIR}/${SOURCES_FILE}) or in the project folder, or give --outdir; synthesize first (npm run synth)`,
    ]);
  }
  const found = stacks.flatMap((stack) => {
    const info = readStackSources(path.join(stacksDir, stack))[source];
    return info ? [{ info, stack, stackDir: path.join(stacksDir, stack) }] : [];
  });
  if (found.length === 0) {
    throw new ClickPipesInputError([`--source ${source}: no such source in stack(s) ${stacks.join(', ')}`]);
  }
  if (found.length > 1) {
    throw new ClickPipesInputError([
      `--source ${source}: in stacks ${found.map((f) => f.stack).join(' and ')}; name one with --stack`,
    ]);
  }
  return found[0];
}

/**
 * What `terraform output` prints to stdout, exit 0, for a stack with no state ("Warning: No
 * outputs found", in a box): a user's `--host "$(terraform output -raw x)"` then passes it on.
 */
export function isTerraformWarning(text: string): boolean {
  return /No outputs found|Warning:|[\u2502\u2575\u2577\u001b]/.test(text);
}

/** What to do when the stack has no outputs yet. */
export const NO_STATE_HINT =
  'the stack has no outputs here yet: in the stack folder, run `terraform init` and `terraform apply` first';

/**
 * The values of the outputs `names` of the stack in `stackDir`, from `terraform output -json` run
 * there (Terraform reads the stack's backend, local or remote).
 *
 * @param why what the values are for, the start of each message
 * @throws ClickPipesInputError (one line) when Terraform cannot run or lacks one of the outputs
 */
export function terraformOutputs(stackDir: string, names: readonly string[], why: string): Record<string, unknown> {
  const r = spawnSync('terraform', ['output', '-json', '-no-color'], {
    cwd: stackDir,
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
  });
  const command = `terraform output (in ${stackDir})`;
  if (r.error) throw new ClickPipesInputError([`${why}: cannot run ${command}: ${r.error.message}; install Terraform`]);
  if (r.status !== 0) {
    const error =
      r.stderr
        .split('\n')
        .map((l) => l.replace(/^[\s\u2502\u2575\u2577]+/, '').trim())
        .find((l) => l.startsWith('Error:')) ?? `exit ${r.status}`;
    throw new ClickPipesInputError([`${why}: ${command} failed: ${error}`]);
  }
  let outputs: Record<string, { value?: unknown }>;
  try {
    outputs = JSON.parse(r.stdout) as Record<string, { value?: unknown }>;
  } catch {
    throw new ClickPipesInputError([`${why}: ${command} printed no JSON`]);
  }
  const missing = names.filter((n) => outputs[n]?.value === undefined || outputs[n]?.value === null);
  if (missing.length) {
    throw new ClickPipesInputError([`${why}: ${command} has no ${missing.join(' or ')}: ${NO_STATE_HINT}`]);
  }
  return Object.fromEntries(names.map((n) => [n, outputs[n].value]));
}
