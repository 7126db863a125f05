#!/usr/bin/env node
/**
 * The app, `cdktf-clickpipes-aws` (the package's bin; `node dist/main.js` in this project):
 * synthesizes the ClickPipes access stacks of a config. `cdktf synth` runs it too (see cdktf.json).
 * `--help` prints what each command takes; {@link COMMANDS} is the table of subcommands.
 *
 * Conventions of a Node CLI: `--help`/`-h` prints the usage to stdout and exits 0; a usage error
 * prints one line naming the argument and pointing at `--help` to stderr and exits 2; a bad config
 * prints the problems without a stack trace and exits 1; anything else is a bug and keeps its stack.
 */
import { ClickPipesInputError } from './lib/errors';
import { ClickPipesOutputError, outputFault } from './lib/app/output-faults';
import { DOCTOR_USAGE } from './lib/doctor/args';
import { FRAMEWORK, frameworkValidationProblems } from './lib/framework';

// The synth and the export load cdktf and the provider classes: only when a command runs, so
// that --help and usage errors answer at once.
const synthModule = () => import('./lib/app/synth');
const exportModule = () => import('./lib/app/export');

/** Where {@link main} reads and writes: the process's own by default (tests run it in-process). */
export interface AppIo {
  /** `CLICKPIPES_CONFIG` and `CDKTF_OUTDIR` are read from it. */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder of `clickpipes.config.json`, `cdktf.out` and a relative `--out`. */
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** {@link AppIo} with every field filled in: what a command runs with. */
export type CommandIo = Required<AppIo>;

/** A subcommand of the app: `cdktf-clickpipes-aws <name> …`. */
export interface Command {
  /** One line for the list of commands in the main help. */
  readonly summary: string;
  /** The whole `--help` text (usage first, no final newline). */
  readonly help: string;
  /** Runs the command with its arguments (after the name); resolves to the exit code. */
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** The name of the bin, as the user types it: the package's name (cdktf-clickpipes-aws, cdktn-clickpipes-aws). */
export const BIN = FRAMEWORK.packageName;

/** The framework the app runs on, as its summary lines name it: `cdktf 0.21.0`, `cdktn 0.24.0`. */
const ON = `${FRAMEWORK.name} ${FRAMEWORK.version}`;

const ENVIRONMENT = `Environment:
  CLICKPIPES_CONFIG  the config file (JSON; YAML for .yaml and .yml); default ./clickpipes.config.json,
                     ./clickpipes.config.yaml or ./clickpipes.config.yml, else an embedded example
  CDKTF_OUTDIR       the synth's output folder (default cdktf.out; the cdktf CLI sets it)
  CLICKPIPES_LOCK_TIMEOUT
                     seconds to wait for another run writing the same folder (default 120)`;

const SYNTH_USAGE = `${BIN} [--hcl] [--quiet]`;
const EXPORT_USAGE = `${BIN} export [--out DIR] [--hcl] [--check] [--quiet]`;
/** The default folder of `export`. */
const DEFAULT_EXPORT_DIR = 'terraform';

/**
 * A command line's flags and `--out DIR`, or the usage error to print: one line naming the
 * argument, the usage and where the help is.
 */
export function parseArgs(
  argv: readonly string[],
  flags: readonly string[],
  usage: string,
): { out?: string; set: Set<string> } | { error: string } {
  const set = new Set<string>();
  let out: string | undefined;
  const helpOf = usage.replace(/ \[.*$/, '');
  const error = (what: string) => ({ error: `${what}; usage: ${usage} (more: ${helpOf} --help)` });
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (flags.includes('--out') && (arg === '--out' || arg.startsWith('--out='))) {
      // `--out --hcl` is a missing folder; a folder named like a flag can be given as `--out=-x`.
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (value === undefined || value === '' || (arg === '--out' && value.startsWith('-')))
        return error(`--out needs a folder (--out DIR)${value ? `, got ${value}` : ''}`);
      out = value;
    } else if (flags.includes(arg)) set.add(arg);
    else return error(`unknown argument ${arg}`);
  }
  return { out, set };
}

const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

/** Prints a bad config's problems (no stack trace) and returns 1; rethrows anything else. */
function inputError(e: unknown, io: CommandIo): number {
  if (ClickPipesInputError.isInputError(e)) {
    io.stderr(`Error: ${e.message}\nNothing was written.\n`);
    return 1;
  }
  // The framework's own validation (cdktn: a feature against cdktf.json's targetVersions): its lines.
  const validation = frameworkValidationProblems(e);
  if (validation?.length) {
    io.stderr(
      `Error: ${FRAMEWORK.name} refused the stacks:\n${validation.map((l) => `  - ${l}\n`).join('')}Nothing was written.\n`,
    );
    return 1;
  }
  // A fault of the filesystem (read-only folder, full disk…): one line with the path and the fix.
  const fault = outputFault(e, 'Nothing was written.', io.cwd);
  if (!ClickPipesOutputError.isOutputError(fault)) throw e;
  io.stderr(`Error: ${fault.message}\n`);
  return 1;
}

/** The default command: synthesize into `CDKTF_OUTDIR` (or `cdktf.out`). */
async function synthCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, ['--hcl', '--quiet'], SYNTH_USAGE);
  if ('error' in args) return usageError(args.error, io);
  try {
    const { loadConfig, synthesize } = await synthModule();
    const { config, origin } = loadConfig(io.env, io.cwd);
    const stacks = synthesize(config, {
      hcl: args.set.has('--hcl') ? true : undefined,
      env: io.env,
      cwd: io.cwd,
      notice: (line) => io.stderr(`${line}\n`),
    });
    if (!args.set.has('--quiet'))
      io.stdout(`Synthesized ${stacks.length} stack(s) on ${ON} from ${origin}: ${stacks.join(', ')}\n`);
    return 0;
  } catch (e) {
    return inputError(e, io);
  }
}

/** `export`: the stacks for committing, or `--check` of a committed folder. */
async function exportCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = parseArgs(argv, ['--out', '--hcl', '--check', '--quiet'], EXPORT_USAGE);
  if ('error' in args) return usageError(args.error, io);
  const say = (text: string) => args.set.has('--quiet') || io.stdout(text);
  const hcl = args.set.has('--hcl');
  try {
    const [{ loadConfig }, { checkExport, describeStale, exportStacks }] = await Promise.all([
      synthModule(),
      exportModule(),
    ]);
    const { config, origin } = loadConfig(io.env, io.cwd);
    const out = args.out ?? DEFAULT_EXPORT_DIR;
    const options = { out, hcl, env: io.env, cwd: io.cwd, notice: (line: string) => io.stderr(`${line}\n`) };
    const form = hcl ? 'HCL' : 'JSON';
    if (args.set.has('--check')) {
      const stale = await checkExport(config, options);
      if (stale.length) {
        io.stderr(
          `${out} is not what ${origin} synthesizes (${form}):\n${describeStale(stale)
            .map((line) => `  ${line}\n`)
            .join('')}Run \`${BIN} export --out ${out}${hcl ? ' --hcl' : ''}\` and commit the result.\n`,
        );
        return 3;
      }
      say(`${out} is up to date with ${origin} (${form}).\n`);
      return 0;
    }
    const stacks = await exportStacks(config, options);
    say(`Exported ${stacks.length} stack(s) on ${ON} from ${origin} to ${out} (${form}): ${stacks.join(', ')}\n`);
    return 0;
  } catch (e) {
    return inputError(e, io);
  }
}

/**
 * The subcommands, by name: `cdktf-clickpipes-aws <name> [args]` runs `run` with the arguments
 * after the name, `cdktf-clickpipes-aws <name> --help` prints `help`, and the main help lists
 * each `summary`. A new subcommand is one entry here.
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  export: {
    summary: 'the stacks for committing (DIR/stacks/<stack>/), or --check that DIR is up to date',
    help: `usage: ${EXPORT_USAGE}

Writes the stacks of the config for committing: DIR/stacks/<stack>/ and DIR/manifest.json (default DIR:
${DEFAULT_EXPORT_DIR}), the same bytes on every machine, all or nothing; files it wrote before and no longer
writes are removed, nothing else. A bad config, a failed synth or a fault leaves DIR as it was.

Options:
  --out DIR    the folder to write (default ${DEFAULT_EXPORT_DIR}), relative to the working directory
  --hcl        HCL (cdk.tf) formatted as terraform fmt formats it, instead of JSON (cdk.tf.json)
  --check      write nothing; compare DIR with what the config synthesizes and exit 3 naming each
               stack that differs, is missing or is extra (for CI)
  --quiet      print nothing on success
  -h, --help   this help

${ENVIRONMENT.split('\n')
  .filter((line) => !line.includes('CDKTF_OUTDIR'))
  .join('\n')}

Exit status: 0 done (or up to date), 1 a bad config or a fault (nothing written), 2 a usage error, 3 --check found
DIR out of date.`,
    run: exportCommand,
  },
  doctor: {
    summary: "checks every source's prerequisites in AWS (and with --connect in the database), with the fix of each",
    help: DOCTOR_USAGE,
    // Loaded only for this command: the synth must not load the AWS SDK.
    run: async (argv, io) => (await import('./lib/doctor/cli')).runDoctor(argv, io),
  },
};

/** The main help: the default command, the subcommands, the environment. */
export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length), 'help'.length) + 2;
  const commands = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`)
    .join('\n');
  return `usage: ${SYNTH_USAGE}
       ${BIN} <command> [options]       (${BIN} <command> --help)

Synthesizes the AWS side of ClickHouse Cloud ClickPipes secure access (IAM roles trusted by your
ClickHouse service, least-privilege policies, IAM database authentication) from a config into
$CDKTF_OUTDIR/stacks/<stack>/ (default cdktf.out/stacks/<stack>/cdk.tf.json). \`cdktf synth\` runs it
through cdktf.json; in this project it is \`node dist/main.js\` (npm run synth).

Options:
  --hcl        write HCL (cdk.tf) instead of JSON (cdk.tf.json)
  --quiet      print nothing on success
  -h, --help   this help

Commands:
${commands}
  ${'help'.padEnd(width)} this help, or a command's (${BIN} help export)

${ENVIRONMENT}

Exit status: 0 done, 1 a bad config (the problems, each with its path) or a fault (the path and the fix);
nothing written either way; 2 a usage error.
See also: clickpipes-connect --help (a database login with an IAM auth token), README.md.`;
}

function usageError(line: string, io: CommandIo): number {
  io.stderr(`${BIN}: ${line}\n`);
  return 2;
}

/** Runs the app; resolves to the exit code. Anything but a user error is a bug and is thrown, with its stack. */
export async function main(argv: readonly string[], io: AppIo = {}): Promise<number> {
  const full: CommandIo = {
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stdout: io.stdout ?? ((text: string) => process.stdout.write(text)),
    stderr: io.stderr ?? ((text: string) => process.stderr.write(text)),
  };
  const [first, ...rest] = argv;
  if (first === 'help') {
    if (rest.length === 0) return (full.stdout(`${mainHelp()}\n`), 0);
    const command = Object.hasOwn(COMMANDS, rest[0]) ? COMMANDS[rest[0]] : undefined;
    if (!command || rest.length > 1)
      return usageError(`help: no command ${rest.join(' ')}; the commands: ${Object.keys(COMMANDS).join(', ')}`, full);
    return (full.stdout(`${command.help}\n`), 0);
  }
  const command = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  const args = command ? rest : argv;
  if (wantsHelp(args)) {
    full.stdout(`${command ? command.help : mainHelp()}\n`);
    return 0;
  }
  return command ? command.run(args, full) : synthCommand(args, full);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
