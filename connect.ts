#!/usr/bin/env node
/**
 * `clickpipes-connect`: a psql / mysql / mariadb command line with an IAM auth token for a
 * synthesized source (or for flags). See `clickpipes-connect --help` and lib/database/connect.ts.
 */
import { runConnect } from './lib/database/connect';

runConnect(process.argv.slice(2)).then(
  (r) => {
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    process.exitCode = r.exitCode;
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
