// Which framework the ready app runs on: cdktf (CDK for Terraform, the default) or cdktn (CDK
// Terrain, its maintained fork). CLICKPIPES_FRAMEWORK for one run, else cdktf.json's
// "context": { "clickpipesFramework": "cdktn" } for the project, else the CLI that runs the app
// (`cdktn synth` runs it on cdktn), else cdktf. Both CLIs read the same cdktf.json and give the app
// the same environment, so the CLI is recognized by its process: the app's nearest ancestor whose
// command is a cdktf or cdktn CLI (Linux's /proc; elsewhere only the setting counts).
'use strict';
const fs = require('fs');
const path = require('path');
const { CDKTN_BUILD } = require('./build-cdktn');

const root = path.join(__dirname, '..');
const FRAMEWORKS = {
  // cdktf-cli declares no Node.js version; @cdktf/provider-aws 21 declares 20.9 or later.
  cdktf: { cli: 'cdktf', cliPackage: 'cdktf-cli', main: path.join(root, 'dist', 'main.js'), minNode: [20, 9] },
  // cdktn-cli 0.24 declares Node.js >= 22.19 and crashes on 20 (markAsUncloneable is not a function).
  cdktn: {
    cli: 'cdktn',
    cliPackage: 'cdktn-cli',
    main: path.join(CDKTN_BUILD, 'dist', 'main.js'),
    minNode: [22, 19],
  },
};

/** The framework's name and where the choice came from; exits 2 with one line for an unknown one. */
function chosenFramework(env = process.env) {
  let name = env.CLICKPIPES_FRAMEWORK;
  let from = 'CLICKPIPES_FRAMEWORK';
  if (name === undefined || name === '') {
    from = 'cdktf.json: context.clickpipesFramework';
    try {
      name = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).context?.clickpipesFramework;
    } catch {
      name = undefined;
    }
  }
  if (name === undefined) {
    const cli = env.CDKTF_OUTDIR === undefined ? undefined : runningCli();
    if (cli) return { name: cli, from: `the ${cli} CLI that runs the app`, ...FRAMEWORKS[cli] };
    return { name: 'cdktf', from: 'the default', ...FRAMEWORKS.cdktf };
  }
  if (!Object.hasOwn(FRAMEWORKS, name)) {
    process.stderr.write(`Error: ${from}: ${JSON.stringify(name)} is not a framework; expected "cdktf" or "cdktn".\n`);
    process.exit(2);
  }
  return { name, from, ...FRAMEWORKS[name] };
}

/** The framework of the nearest ancestor process that is a cdktf or cdktn CLI (4 levels at most), if any. */
function runningCli() {
  let pid = process.ppid;
  for (let level = 0; level < 4 && pid > 1; level++) {
    let argv;
    let stat;
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return undefined;
    }
    for (const name of ['cdktn', 'cdktf']) {
      const cli = new RegExp(`(^|[\\/])${name}(\\.js)?$|[\\/]${name}-cli[\\/]`);
      if (argv.slice(0, 3).some((a) => cli.test(a))) return name;
    }
    // The parent's pid: the 2nd field after the command name, which is in parentheses.
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  return undefined;
}

/** One line when this Node.js is older than the framework's CLI needs, else undefined. */
function nodeTooOld(framework, version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  const [needMajor, needMinor] = framework.minNode;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `${framework.cliPackage} needs Node.js ${needMajor}.${needMinor} or later, and this is ${version} (framework ${framework.name}, from ${framework.from}): run it with a newer Node.js, or choose cdktf.`;
}

module.exports = { chosenFramework, nodeTooOld, FRAMEWORKS };
