import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { ClickPipesAccountStack } from './account-stack';
import { ClickPipesConfig, parseConfig } from '../config/config';
import { CONFIG_FILES, findConfigFile, namedConfigFile, readConfigFile } from '../config/config-file';
import { EXAMPLE_CONFIG } from '../config/example-config';
import { publishBuilt, writeRecord } from './publish';
import { sourceFiles } from './source-files';

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
  /**
   * Whether the cdktf CLI runs the app (it removes the folders of stacks no longer in the config
   * itself). Default: whether the environment holds the variables the CLI sets for its app.
   */
  readonly cdktfCli?: boolean;
  /** Where `CDKTF_OUTDIR`, `SYNTH_HCL_OUTPUT`, `CLICKPIPES_LOCK_TIMEOUT` are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder that paths in messages are relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Lines about what the publish kept or cleaned up (see {@link startPublish}). @default none */
  readonly notice?: (line: string) => void;
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

/** Whether `env` is the one the cdktf CLI gives the app it runs. */
export const runByCdktfCli = (env: NodeJS.ProcessEnv) =>
  env.CDKTF_OUTDIR !== undefined && env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS !== undefined;

/**
 * Synthesizes a config into `outdir` (`stacks/<stack name>/cdk.tf.json` and `manifest.json`),
 * all or nothing: see {@link startPublish}. A failed synth (a bad config, a construct that
 * refuses its props, a full disk) leaves `outdir` as the last good run left it.
 *
 * @returns the stack names, in config order
 */
export function synthesize(config: ClickPipesConfig, options: SynthesizeOptions = {}): string[] {
  const env = options.env ?? process.env;
  const outdir = path.resolve(options.cwd ?? process.cwd(), options.outdir ?? env.CDKTF_OUTDIR ?? 'cdktf.out');
  const envHcl = env.SYNTH_HCL_OUTPUT;
  const hcl = options.hcl ?? (envHcl === 'true' || envHcl === '1');
  return publishBuilt(
    outdir,
    { cdktfCli: options.cdktfCli ?? runByCdktfCli(env), env, cwd: options.cwd, notice: options.notice },
    (fresh) => synthesizeInto(config, fresh, hcl),
  );
}

/**
 * Synthesizes a config into a new folder `dir`, with no publishing: cdktf's output plus each
 * stack's source files. {@link synthesize} and the export build into their staging folder with it.
 *
 * @returns the stack names, in config order
 */
export function synthesizeInto(config: ClickPipesConfig, dir: string, hcl: boolean): string[] {
  const processHcl = process.env.SYNTH_HCL_OUTPUT;
  // cdktf's stacks read HCL mode from the environment only (its App reads the option).
  process.env.SYNTH_HCL_OUTPUT = String(hcl);
  try {
    const app = buildApp(config, new App({ outdir: dir, hclOutput: hcl, stackTraces: false }));
    app.synth();
    writeSourceFiles(app, dir);
    writeRecord(dir);
    return app.node.children.filter((c) => c instanceof ClickPipesAccountStack).map((c) => c.node.id);
  } finally {
    if (processHcl === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = processHcl;
  }
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
