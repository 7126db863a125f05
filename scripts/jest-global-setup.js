// Starts the real databases of the SQL tests once per Jest run (installing them on a clean machine):
// scripts/test-databases.sh writes .test-db/status.json, which __tests__/databases.ts reads. Then finds
// (installing it once) a Node.js that cdktn-cli runs on, for the cdktn project's CLI runs: its path
// goes to the workers in CLICKPIPES_TEST_NODE22.
const { spawnSync } = require('child_process');
const path = require('path');

module.exports = function startTestDatabases() {
  const script = path.join(__dirname, 'test-databases.sh');
  // A pair of servers per Jest project (jest.config.js): the cdktf project's, and the cdktn project's.
  for (const instance of ['', 'cdktn']) {
    const r = spawnSync('bash', [script, 'start', ...(instance ? [instance] : [])], { encoding: 'utf8' });
    const said = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    const which = instance ? ` (${instance})` : '';
    if (r.status !== 0 || r.error) {
      process.stderr.write(
        `\ntest databases${which}: ${script} start failed (${r.error?.message ?? `exit ${r.status}`}): ${said}\n`,
      );
    } else if (said) {
      process.stderr.write(`\ntest databases${which}: ${said.replace(/\n/g, '; ')}\n`);
    }
  }
  try {
    process.env.CLICKPIPES_TEST_NODE22 = require('./node22').node22();
  } catch (e) {
    process.stderr.write(`\nNode.js for cdktn-cli: ${e.message}\n`);
  }
};
