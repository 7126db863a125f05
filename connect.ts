#!/usr/bin/env node
/**
 * `clickpipes-connect`: a psql / mysql / mariadb command line with an IAM auth token for a
 * synthesized source (or for flags). See `clickpipes-connect --help` and lib/database/connect.ts.
 *
 * Made for `eval "$(clickpipes-connect …)"`: when it fails and stdout is not a terminal, stdout
 * holds `false`, so that the eval fails as well (`eval ""` would succeed); the problems are on
 * stderr, one line each.
 */
import { runConnect } from './lib/database/connect';

runConnect(process.argv.slice(2)).then(
  (r) => {
    process.stdout.write(r.exitCode !== 0 && !process.stdout.isTTY ? `${r.stdout}false\n` : r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  },
  (e: unknown) => {
    // A bug, not a user error: keep the stack trace for the report.
    if (!process.stdout.isTTY) process.stdout.write('false\n');
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
