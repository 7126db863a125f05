import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { ClickPipesAccountStack } from './account-stack';
import { ClickPipesConfig, parseConfig } from '../config/config';
import { CONFIG_FILES, findConfigFile, namedConfigFile, readConfigFile } from '../config/config-file';
import { EXAMPLE_CONFIG } from '../config/example-config';
import { SOURCE_FILES_DIR, sourceFiles } from './source-files';

/** The config file the app reads from the working directory when `CLICKPIPES_CONFIG` is not set (or its YAML twin). */
export const DEFAULT_CONFIG_FILE = CONFIG_FILES[0];

/** A config and where it came from (for messages). */
export interface LoadedConfig {
  readonly config: ClickPipesConfig;
  /** A file path as the user gave it, or "embedded example". */
  readonly origin: string;
}

/**
 * Reads the config named by `CLICKPIPES_CONFIG`, else `clickpipes.config.json` (or
 * `clickpipes.config.yaml` / `.yml`) in `cwd`, else the embedded example. YAML for `.yaml` and
 * `.yml` files, JSON otherwise.
 *
 * @throws ClickPipesInputError for a missing or unreadable file, bad JSON or YAML, or a bad config
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LoadedConfig {
  const named = namedConfigFile(env);
  const file = named ?? findConfigFile(cwd);
  if (file === undefined)
    return { config: parseConfig(EXAMPLE_CONFIG, 'embedded example'), origin: 'embedded example' };
  const raw = readConfigFile(file, cwd, named ? '; check CLICKPIPES_CONFIG' : '');
  return { config: parseConfig(raw, file), origin: file };
}

/** Options of {@link synthesize}. */
export interface SynthesizeOptions {
  /** The output folder. Default: `CDKTF_OUTDIR` (set by the cdktf CLI), else `cdktf.out`. */
  readonly outdir?: string;
  /** Write HCL (`cdk.tf`) instead of JSON. Default: `SYNTH_HCL_OUTPUT` (set by `cdktf synth --hcl`). */
  readonly hcl?: boolean;
}

/** Builds the app of a config: one {@link ClickPipesAccountStack} per account entry, or per region of one. */
export function buildApp(config: ClickPipesConfig, app: App): App {
  for (const account of config.accounts) {
    for (const region of account.regions?.map((r) => r.region) ?? [undefined]) {
      new ClickPipesAccountStack(app, { account, defaults: config, region });
    }
  }
  return app;
}

/**
 * Synthesizes a config into `outdir` (`stacks/<stack name>/cdk.tf.json` and `manifest.json`).
 *
 * A failed synth writes nothing: the stacks are synthesized into a fresh folder beside `outdir`
 * and only then moved into it, file by file with renames, `manifest.json` last. What Terraform
 * keeps in a stack folder (`.terraform/`, `.terraform.lock.hcl`) stays; files of an earlier synth
 * that this one did not write (`cdk.tf` after a JSON synth, say) and folders of stacks no longer
 * in the config are removed, as the cdktf CLI does.
 *
 * @returns the stack names, in config order
 */
export function synthesize(config: ClickPipesConfig, options: SynthesizeOptions = {}): string[] {
  const outdir = path.resolve(options.outdir ?? process.env.CDKTF_OUTDIR ?? 'cdktf.out');
  const parent = path.dirname(outdir);
  fs.mkdirSync(parent, { recursive: true });
  const envHcl = process.env.SYNTH_HCL_OUTPUT;
  const hcl = options.hcl ?? (envHcl === 'true' || envHcl === '1');
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(outdir)}.new-`));
  // cdktf's stacks read HCL mode from the environment only (its App reads the option).
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  let stacks: string[];
  try {
    const app = buildApp(config, new App({ outdir: staging, hclOutput: hcl, stackTraces: false }));
    app.synth();
    writeSourceFiles(app, staging);
    publish(staging, outdir);
    stacks = app.node.children.filter((c) => c instanceof ClickPipesAccountStack).map((c) => c.node.id);
  } finally {
    if (envHcl === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = envHcl;
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return stacks;
}

/** Writes each stack's {@link sourceFiles} (setup SQL, connection info) into its synthesized folder. */
function writeSourceFiles(app: App, outdir: string): void {
  for (const stack of app.node.children) {
    if (!(stack instanceof ClickPipesAccountStack)) continue;
    for (const [file, content] of Object.entries(sourceFiles(stack.account, stack.sources))) {
      const target = path.join(outdir, 'stacks', stack.node.id, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
}

/** What this app writes in a stack folder: cdktf's files in JSON or HCL mode, and the source files. */
export const GENERATED_STACK_FILES = ['cdk.tf.json', 'cdk.tf', 'metadata.json', SOURCE_FILES_DIR];

/** Moves the synthesized files of `fresh` into `target`. */
export function publish(fresh: string, target: string): void {
  const stacksDir = path.join(target, 'stacks');
  const newStacks = fs.readdirSync(path.join(fresh, 'stacks')).sort();
  fs.mkdirSync(stacksDir, { recursive: true });
  for (const stack of newStacks) {
    const from = path.join(fresh, 'stacks', stack);
    const to = path.join(stacksDir, stack);
    fs.mkdirSync(to, { recursive: true });
    const written = fs.readdirSync(from).sort();
    for (const file of written) {
      // A folder replaces the whole folder of the last synth (rename cannot replace a full one).
      if (fs.statSync(path.join(from, file)).isDirectory())
        fs.rmSync(path.join(to, file), { recursive: true, force: true });
      fs.renameSync(path.join(from, file), path.join(to, file));
    }
    for (const stale of GENERATED_STACK_FILES.filter((f) => !written.includes(f)))
      fs.rmSync(path.join(to, stale), { recursive: true, force: true });
  }
  fs.renameSync(path.join(fresh, 'manifest.json'), path.join(target, 'manifest.json'));
  for (const old of fs.readdirSync(stacksDir)) {
    if (!newStacks.includes(old)) fs.rmSync(path.join(stacksDir, old), { recursive: true, force: true });
  }
}
