/**
 * Committed output: the synthesized stacks written to a folder of your repository (JSON, or HCL
 * formatted as `terraform fmt` formats it), and the check that a committed folder is what the
 * config synthesizes today.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClickPipesConfig } from '../config/config';
import { FRAMEWORK } from '../framework';
import { terraformFmt } from './hcl-format';
import { ClickPipesOutputError, outputFault, shownPath } from './output-faults';
import {
  RECORD_FILE,
  TERRAFORM_FILES_OF_THE_APP,
  filesBelow,
  interruptedRunIn,
  readRecord,
  publishBuilt,
} from './publish';
import { synthesizeInto } from './synth';

/** Options of {@link exportStacks} and {@link checkExport}. */
export interface ExportOptions {
  /** The folder: `<out>/stacks/<stack>/cdk.tf.json` (or `cdk.tf`) and `<out>/manifest.json`, as in `cdktf.out`. */
  readonly out: string;
  /** HCL (`cdk.tf`, formatted) instead of JSON. @default false */
  readonly hcl?: boolean;
  /** Where `CLICKPIPES_LOCK_TIMEOUT` is read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder `out` and the paths in messages are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Lines about what the export kept or cleaned up. @default none */
  readonly notice?: (line: string) => void;
}

/** One way a committed folder differs from what the config synthesizes. */
export interface StaleFile {
  /** The stack, or undefined for `manifest.json` and the record. */
  readonly stack?: string;
  /** The file, relative to the folder (`stacks/prod/cdk.tf.json`). */
  readonly file: string;
  /**
   * `differs`: other content; `missing`: not committed; `extra`: committed, but no longer
   * synthesized; `unknown`: a file in a stack folder that the app does not write and that
   * Terraform would load (`override.tf`, `*.tf.json`, `*.auto.tfvars`).
   */
  readonly problem: 'differs' | 'missing' | 'extra' | 'unknown';
}

/**
 * Writes the stacks of a config to `out`, all or nothing like {@link synthesize}: a config
 * problem, a failed synth or a filesystem fault leaves `out` as it was, and only files this app
 * wrote are ever replaced or removed. HCL is formatted as `terraform fmt` formats it
 * ({@link terraformFmt}).
 *
 * @returns the stack names, in config order
 */
export async function exportStacks(config: ClickPipesConfig, options: ExportOptions): Promise<string[]> {
  return publishBuilt(
    path.resolve(options.cwd ?? process.cwd(), options.out),
    { env: options.env, cwd: options.cwd, notice: options.notice },
    (fresh) => synthesizeFormatted(config, fresh, options.hcl ?? false),
  );
}

/**
 * What differs between the committed folder `out` and what the config synthesizes now, by
 * stack; empty when `out` is up to date. Writes nothing in `out`. Files that Terraform keeps in
 * a stack folder (`.terraform/`, `.terraform.lock.hcl`) are not compared; other files that the
 * app does not write are named when Terraform would load them.
 */
export async function checkExport(config: ClickPipesConfig, options: ExportOptions): Promise<StaleFile[]> {
  const committed = path.resolve(options.cwd ?? process.cwd(), options.out);
  const shown = shownPath(committed, options.cwd);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-clickpipes-check-'));
  try {
    if (fs.existsSync(committed) && !fs.statSync(committed).isDirectory())
      throw new ClickPipesOutputError(
        `${shown}: a file, not the folder of an export; name the export folder with --out.`,
      );
    if (interruptedRunIn(committed))
      throw new ClickPipesOutputError(
        `${shown}: an export into it was interrupted; run \`${FRAMEWORK.packageName} export --out ${shown}\` again, then check.`,
      );
    const fresh = path.join(staging, 'out');
    await synthesizeFormatted(config, fresh, options.hcl ?? false);
    return compare(fresh, committed);
  } catch (e) {
    throw outputFault(e, `Nothing was written.`, options.cwd);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

async function synthesizeFormatted(config: ClickPipesConfig, outdir: string, hcl: boolean): Promise<string[]> {
  const stacks = synthesizeInto(config, outdir, hcl);
  if (hcl) {
    for (const stack of stacks) {
      const file = path.join(outdir, 'stacks', stack, 'cdk.tf');
      fs.writeFileSync(file, await terraformFmt(fs.readFileSync(file, 'utf8')));
    }
  }
  return stacks;
}

const readIfFile = (file: string) =>
  fs.existsSync(file) && fs.statSync(file).isFile() ? fs.readFileSync(file) : undefined;
const dirs = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort()
    : [];

/** The files Terraform loads from a module folder, besides the app's own. */
const TERRAFORM_LOADS =
  /(\.tf|\.tf\.json|\.auto\.tfvars|\.auto\.tfvars\.json|^terraform\.tfvars|^terraform\.tfvars\.json)$/;

function compare(fresh: string, committed: string): StaleFile[] {
  const stale: StaleFile[] = [];
  const record = readRecord(committed);
  const freshStacks = dirs(path.join(fresh, 'stacks'));
  const check = (file: string, stack?: string) => {
    const before = readIfFile(path.join(committed, file));
    if (before === undefined) stale.push({ stack, file, problem: 'missing' });
    else if (!before.equals(fs.readFileSync(path.join(fresh, file)))) stale.push({ stack, file, problem: 'differs' });
  };
  for (const stack of freshStacks) {
    const folder = `stacks/${stack}`;
    const written = filesBelow(fresh, folder);
    for (const file of written) check(file, stack);
    // What the app wrote there before (or, with no record, the Terraform files of its names) and no longer writes.
    const before = record?.stacks[stack]?.map((f) => `${folder}/${f}`) ?? [];
    const generated = TERRAFORM_FILES_OF_THE_APP.map((f) => `${folder}/${f}`);
    for (const file of filesBelow(committed, folder)) {
      if (written.includes(file)) continue;
      const name = file.slice(folder.length + 1);
      if (before.includes(file) || generated.includes(file)) stale.push({ stack, file, problem: 'extra' });
      else if (!name.includes('/') && TERRAFORM_LOADS.test(name)) stale.push({ stack, file, problem: 'unknown' });
    }
  }
  for (const stack of Object.keys(record?.stacks ?? {}).filter((s) => !freshStacks.includes(s)))
    if (fs.existsSync(path.join(committed, 'stacks', stack)))
      stale.push({ stack, file: `stacks/${stack}/`, problem: 'extra' });
  check('manifest.json');
  check(RECORD_FILE);
  return stale;
}

/** The lines that tell what {@link checkExport} found, one per stack (and the manifest and record). */
export function describeStale(stale: readonly StaleFile[]): string[] {
  const byStack = new Map<string, StaleFile[]>();
  for (const s of stale) {
    const key = s.stack ?? '(output)';
    byStack.set(key, [...(byStack.get(key) ?? []), s]);
  }
  return [...byStack].map(([stack, files]) => {
    if (files.length === 1 && files[0].problem === 'extra' && files[0].file.endsWith('/'))
      return `${stack}: extra: ${files[0].file} is not a stack of the config`;
    return `${stack}: ${files
      .map((f) =>
        f.problem === 'unknown'
          ? `unknown: ${f.file} (not written by this app; Terraform would load it)`
          : `${f.problem}: ${f.file}`,
      )
      .join(', ')}`;
  });
}
