#!/usr/bin/env node
/**
 * The app: synthesizes the ClickPipes access stacks of a config.
 *
 *   node dist/main.js            config from CLICKPIPES_CONFIG, else ./clickpipes.config.json,
 *                                else the embedded example; writes cdktf.out/stacks/<name>/
 *   node dist/main.js --hcl      the same, as HCL (cdk.tf)
 *
 * `cdktf synth` runs it too (see cdktf.json). User errors print without a stack trace and exit 1.
 */
import * as path from 'path';
import { ClickPipesInputError } from './lib/errors';
import { loadConfig, synthesize } from './lib/synth';

/** Where {@link main} reads and writes: the process's own by default (tests run it in-process). */
export interface AppIo {
  /** `CLICKPIPES_CONFIG` and `CDKTF_OUTDIR` are read from it. */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder of `clickpipes.config.json` and `cdktf.out`. */
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
}

/** Runs the app; returns the exit code. Anything but a user error is a bug and is thrown, with its stack. */
export function main(argv: readonly string[], io: AppIo = {}): number {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  const unknown = argv.filter((a) => a !== '--hcl' && a !== '--quiet');
  if (unknown.length) {
    stderr(`unknown argument ${unknown.join(' ')}; usage: main [--hcl] [--quiet]\n`);
    return 2;
  }
  try {
    const { config, origin } = loadConfig(env, cwd);
    const stacks = synthesize(config, {
      outdir: path.resolve(cwd, env.CDKTF_OUTDIR ?? 'cdktf.out'),
      hcl: argv.includes('--hcl') ? true : undefined,
    });
    if (!argv.includes('--quiet')) {
      stdout(`Synthesized ${stacks.length} stack(s) from ${origin}: ${stacks.join(', ')}\n`);
    }
    return 0;
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) {
      stderr(`Error: ${e.message}\nNothing was written.\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
