#!/usr/bin/env node
/**
 * The app: synthesizes the ClickPipes access stacks of a config.
 *
 *   node dist/main.js            config from CLICKPIPES_CONFIG, else ./clickpipes.config.json
 *                                (or .yaml / .yml), else the embedded example; writes
 *                                cdktf.out/stacks/<name>/
 *   node dist/main.js --hcl      the same, as HCL (cdk.tf)
 *   node dist/main.js export [--out DIR] [--hcl] [--check]
 *                                the stacks for committing: DIR/stacks/<name>/ (default DIR:
 *                                terraform), HCL formatted; --check compares DIR with the config
 *                                and exits 3 naming each stale stack, writing nothing
 *   node dist/main.js doctor [--stack NAME] [--source NAME] [--connect] [--json]
 *                                checks each source's prerequisites in AWS (and the database):
 *                                lib/doctor/cli.ts, loaded only for this command
 *
 * `cdktf synth` runs it too (see cdktf.json). User errors print without a stack trace and exit 1;
 * usage errors exit 2.
 */
import { ClickPipesInputError } from './lib/errors';
import { ClickPipesOutputError, outputFault } from './lib/app/output-faults';
import { checkExport, describeStale, exportStacks } from './lib/app/export';
import { loadConfig, synthesize } from './lib/app/synth';

/** Where {@link main} reads and writes: the process's own by default (tests run it in-process). */
export interface AppIo {
  /** `CLICKPIPES_CONFIG` and `CDKTF_OUTDIR` are read from it. */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder of `clickpipes.config.json`, `cdktf.out` and a relative `--out`. */
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

const USAGE = 'usage: main [--hcl] [--quiet] | main export [--out DIR] [--hcl] [--check] [--quiet]';
/** The default folder of `export`. */
const DEFAULT_EXPORT_DIR = 'terraform';

/** `--out DIR` and the flags of a command line; a message when something is not understood. */
function parseArgs(
  argv: readonly string[],
  flags: readonly string[],
): { out?: string; set: Set<string> } | { unknown: string } {
  const set = new Set<string>();
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' && flags.includes('--out') && argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) {
      out = argv[++i];
    } else if (arg.startsWith('--out=') && flags.includes('--out')) out = arg.slice('--out='.length);
    else if (flags.includes(arg) && arg !== '--out') set.add(arg);
    else return { unknown: arg };
  }
  return { out, set };
}

/** Runs the app; resolves to the exit code. Anything but a user error is a bug and is thrown, with its stack. */
export async function main(argv: readonly string[], io: AppIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  // Loaded only for this command: synth must not load the AWS SDK.
  if (argv[0] === 'doctor')
    return (await import('./lib/doctor/cli')).runDoctor(argv.slice(1), { env, cwd, stdout, stderr });
  const exporting = argv[0] === 'export';
  const args = exporting
    ? parseArgs(argv.slice(1), ['--out', '--hcl', '--check', '--quiet'])
    : parseArgs(argv, ['--hcl', '--quiet']);
  if ('unknown' in args) {
    stderr(`unknown argument ${args.unknown}; ${USAGE}\n`);
    return 2;
  }
  const say = (text: string) => args.set.has('--quiet') || stdout(text);
  const notice = (line: string) => stderr(`${line}\n`);
  const hcl = args.set.has('--hcl');
  try {
    const { config, origin } = loadConfig(env, cwd);
    if (!exporting) {
      const stacks = synthesize(config, { hcl: hcl ? true : undefined, env, cwd, notice });
      say(`Synthesized ${stacks.length} stack(s) from ${origin}: ${stacks.join(', ')}\n`);
      return 0;
    }
    const out = args.out ?? DEFAULT_EXPORT_DIR;
    const options = { out, hcl, env, cwd, notice };
    const form = hcl ? 'HCL' : 'JSON';
    if (args.set.has('--check')) {
      const stale = await checkExport(config, options);
      if (stale.length) {
        stderr(
          `${out} is not what ${origin} synthesizes (${form}):\n${describeStale(stale)
            .map((line) => `  ${line}\n`)
            .join('')}Run \`cdktf-clickpipes-aws export --out ${out}${hcl ? ' --hcl' : ''}\` and commit the result.\n`,
        );
        return 3;
      }
      say(`${out} is up to date with ${origin} (${form}).\n`);
      return 0;
    }
    const stacks = await exportStacks(config, options);
    say(`Exported ${stacks.length} stack(s) from ${origin} to ${out} (${form}): ${stacks.join(', ')}\n`);
    return 0;
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) {
      stderr(`Error: ${e.message}\nNothing was written.\n`);
      return 1;
    }
    const fault = outputFault(e, 'Nothing was written.', cwd);
    if (ClickPipesOutputError.isOutputError(fault)) {
      stderr(`Error: ${fault.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
