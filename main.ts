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
import { ClickPipesInputError } from './lib/errors';
import { loadConfig, synthesize } from './lib/synth';

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== '--hcl' && a !== '--quiet');
  if (unknown.length) {
    process.stderr.write(`unknown argument ${unknown.join(' ')}; usage: main [--hcl] [--quiet]\n`);
    return 2;
  }
  try {
    const { config, origin } = loadConfig();
    const stacks = synthesize(config, { hcl: argv.includes('--hcl') ? true : undefined });
    if (!argv.includes('--quiet')) {
      process.stdout.write(`Synthesized ${stacks.length} stack(s) from ${origin}: ${stacks.join(', ')}\n`);
    }
    return 0;
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) {
      process.stderr.write(`Error: ${e.message}\nNothing was written.\n`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
