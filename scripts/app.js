#!/usr/bin/env node
// The app as cdktf.json and the npm scripts run it: compiles main.ts, connect.ts and lib/ (only
// those: tsconfig.app.json) when one of them, data/ or a tsconfig is newer than the last build,
// then runs dist/main.js in this process. An unchanged project starts the app at once instead of
// type-checking the whole project (tests and scripts too) on every synth. On cdktn (scripts/framework.js)
// it runs the cdktn build of the same source instead (scripts/build-cdktn.js).
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const { chosenFramework } = require('./framework');
const { build: buildCdktn, newest } = require('./build-cdktn');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.app-build');

const framework = chosenFramework();
if (framework.name === 'cdktn') {
  // The cdktn package's build (scripts/build-cdktn.js), itself built only when a source changed.
  try {
    buildCdktn();
  } catch (e) {
    process.stderr.write(`Error: building the cdktn app: ${e.message}\n`);
    process.exit(1);
  }
} else {
  const sources = ['main.ts', 'connect.ts', 'lib', 'data', 'tsconfig.json', 'tsconfig.app.json', 'package.json'];
  const built = fs.existsSync(stamp) && fs.existsSync(framework.main) ? fs.statSync(stamp).mtimeMs : -1;
  if (sources.some((s) => newest(path.join(root, s)) > built)) {
    const tsc = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.app.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
    fs.writeFileSync(stamp, '');
  }
}
require(framework.main)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
