/**
 * Committed output: the synthesized stacks written to a folder of your repository (JSON, or HCL
 * formatted as `terraform fmt` formats it), and the check that a committed folder is what the
 * config synthesizes today.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClickPipesConfig } from '../config/config';
import { terraformFmt } from './hcl-format';
import { GENERATED_STACK_FILES, publish, synthesize } from './synth';

/** Options of {@link exportStacks} and {@link checkExport}. */
export interface ExportOptions {
  /** The folder: `<out>/stacks/<stack>/cdk.tf.json` (or `cdk.tf`) and `<out>/manifest.json`, as in `cdktf.out`. */
  readonly out: string;
  /** HCL (`cdk.tf`, formatted) instead of JSON. @default false */
  readonly hcl?: boolean;
}

/** One way a committed folder differs from what the config synthesizes. */
export interface StaleFile {
  /** The stack, or undefined for `manifest.json`. */
  readonly stack?: string;
  /** The file, relative to the folder (`stacks/prod/cdk.tf.json`). */
  readonly file: string;
  /** `differs`: other content; `missing`: not committed; `extra`: committed, but no longer synthesized. */
  readonly problem: 'differs' | 'missing' | 'extra';
}

/**
 * Writes the stacks of a config to `out`, with the atomicity of {@link synthesize}: a config
 * problem or a failed synth leaves `out` as it was. HCL is formatted as `terraform fmt` formats
 * it ({@link terraformFmt}).
 *
 * @returns the stack names, in config order
 */
export async function exportStacks(config: ClickPipesConfig, options: ExportOptions): Promise<string[]> {
  const target = path.resolve(options.out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.export-`));
  try {
    const fresh = path.join(staging, 'out');
    const stacks = await synthesizeFormatted(config, fresh, options.hcl ?? false);
    publish(fresh, target);
    return stacks;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * What differs between the committed folder `out` and what the config synthesizes now, by
 * stack; empty when `out` is up to date. Writes nothing in `out`. Files that Terraform keeps in
 * a stack folder (`.terraform/`, `.terraform.lock.hcl`) are not compared.
 */
export async function checkExport(config: ClickPipesConfig, options: ExportOptions): Promise<StaleFile[]> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-clickpipes-check-'));
  try {
    const fresh = path.join(staging, 'out');
    await synthesizeFormatted(config, fresh, options.hcl ?? false);
    return compare(fresh, path.resolve(options.out));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

async function synthesizeFormatted(config: ClickPipesConfig, outdir: string, hcl: boolean): Promise<string[]> {
  const stacks = synthesize(config, { outdir, hcl });
  if (hcl) {
    for (const stack of fs.readdirSync(path.join(outdir, 'stacks'))) {
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

/** The files below `dir` (itself a file, or a folder), as POSIX paths relative to `base`, sorted. */
function filesBelow(base: string, dir: string): string[] {
  const full = path.join(base, dir);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [dir];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((e) => filesBelow(base, path.posix.join(dir, e)));
}

function compare(fresh: string, committed: string): StaleFile[] {
  const stale: StaleFile[] = [];
  const freshStacks = dirs(path.join(fresh, 'stacks'));
  for (const stack of freshStacks) {
    const folder = path.posix.join('stacks', stack);
    const written = filesBelow(fresh, folder);
    for (const file of written) {
      const before = readIfFile(path.join(committed, file));
      if (before === undefined) stale.push({ stack, file, problem: 'missing' });
      else if (!before.equals(fs.readFileSync(path.join(fresh, file)))) stale.push({ stack, file, problem: 'differs' });
    }
    // Generated files (and files in generated folders) that this synth no longer writes.
    for (const file of GENERATED_STACK_FILES.flatMap((f) => filesBelow(committed, path.posix.join(folder, f)))) {
      if (!written.includes(file)) stale.push({ stack, file, problem: 'extra' });
    }
  }
  for (const stack of dirs(path.join(committed, 'stacks')).filter((s) => !freshStacks.includes(s))) {
    stale.push({ stack, file: `stacks/${stack}/`, problem: 'extra' });
  }
  const manifest = readIfFile(path.join(committed, 'manifest.json'));
  if (manifest === undefined) stale.push({ file: 'manifest.json', problem: 'missing' });
  else if (!manifest.equals(fs.readFileSync(path.join(fresh, 'manifest.json'))))
    stale.push({ file: 'manifest.json', problem: 'differs' });
  return stale;
}

/** The lines that tell what {@link checkExport} found, one per stack (and the manifest). */
export function describeStale(stale: readonly StaleFile[]): string[] {
  const byStack = new Map<string, StaleFile[]>();
  for (const s of stale) {
    const key = s.stack ?? '(manifest)';
    byStack.set(key, [...(byStack.get(key) ?? []), s]);
  }
  return [...byStack].map(([stack, files]) => {
    if (files.length === 1 && files[0].problem === 'extra' && files[0].file.endsWith('/'))
      return `${stack}: extra: ${files[0].file} is not a stack of the config`;
    return `${stack}: ${files.map((f) => `${f.problem}: ${f.file}`).join(', ')}`;
  });
}
