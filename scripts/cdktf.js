#!/usr/bin/env node
// `npm run deploy|diff|destroy [-- STACK… FLAG…]`: the cdktf CLI (cdktn on CDK Terrain) on every stack of the config
// unless stacks are named. `cdktf deploy` and `destroy` take stack patterns ('*' is all);
// `cdktf diff` takes one stack, so for all of them this synthesizes once and diffs each stack
// with --skip-synth, exiting non-zero when any diff failed. Nothing calls home (CHECKPOINT_DISABLE).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const { chosenFramework, nodeTooOld } = require('./framework');

const root = path.join(__dirname, '..');
// The CLI of the app's framework (scripts/framework.js): cdktf, or cdktn on CDK Terrain.
const framework = chosenFramework();
const cli = path.join(root, 'node_modules', '.bin', framework.cli);
const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
/** Flags of these commands that take a value in the next argument. */
const VALUED = new Set([
  '-a',
  '--app',
  '-o',
  '--output',
  '--var',
  '--var-file',
  '--terraform-parallelism',
  '--parallelism',
  '--outputs-file',
]);

const [verb, ...rest] = process.argv.slice(2);
if (!['deploy', 'diff', 'destroy'].includes(verb)) {
  process.stderr.write(`usage: node scripts/cdktf.js deploy|diff|destroy [STACK…] [cdktf flags]\n`);
  process.exit(2);
}
const tooOld = nodeTooOld(framework);
if (tooOld) {
  process.stderr.write(`Error: ${tooOld}\n`);
  process.exit(1);
}
const stacks = rest.filter((a, i) => !a.startsWith('-') && !VALUED.has(rest[i - 1]));
const flags = rest.filter((a) => !stacks.includes(a));
const cdktf = (args) => spawnSync(cli, args, { cwd: root, env, stdio: 'inherit' }).status ?? 1;

if (verb !== 'diff' || stacks.length > 0) {
  process.exit(verb === 'diff' ? cdktf([verb, ...rest]) : cdktf([verb, ...(stacks.length ? [] : ['*']), ...rest]));
}
const synth = cdktf(['synth']);
if (synth !== 0) process.exit(synth);
const outdir = path.join(root, 'cdktf.out');
const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
let failed = 0;
for (const stack of Object.keys(manifest.stacks)) {
  process.stdout.write(`\n── ${stack} ──\n`);
  if (cdktf(['diff', stack, '--skip-synth', ...flags]) !== 0) failed++;
}
if (failed) process.stderr.write(`${failed} of ${Object.keys(manifest.stacks).length} stack diffs failed.\n`);
process.exit(failed ? 1 : 0);
