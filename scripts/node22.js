#!/usr/bin/env node
// A Node.js that cdktn-cli 0.24 runs on (it needs 22.19 or later), for the tests and the bench of
// the cdktn line on a machine whose Node.js is older: the official binary of NODE_VERSION as the
// npm registry ships it (package node-<platform>-<arch>), installed once into
// node_modules/.cache/clickpipes-node/<version>. Prints the path of its `node`; with a Node.js
// that is new enough already, prints process.execPath and installs nothing.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const NODE_VERSION = '22.23.5';
const root = path.join(__dirname, '..');

function newEnough(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 19);
}

/** The path of a Node.js ≥ 22.19: this one, or the one installed here (installing it if need be). */
function node22() {
  if (newEnough()) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = path.join(root, 'node_modules', '.cache', 'clickpipes-node', NODE_VERSION);
  const bin = path.join(prefix, 'node_modules', pkg, 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(prefix, { recursive: true });
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--no-audit',
        '--no-fund',
        `${pkg}@${NODE_VERSION}`,
      ],
      { encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    if (r.status !== 0 || !fs.existsSync(bin))
      throw new Error(
        `installing ${pkg}@${NODE_VERSION} into ${path.relative(root, prefix)} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`,
      );
  }
  return bin;
}

if (require.main === module) {
  try {
    process.stdout.write(`${node22()}\n`);
  } catch (e) {
    process.stderr.write(`node22: ${e.message}\n`);
    process.exit(1);
  }
}

module.exports = { node22, NODE_VERSION };
