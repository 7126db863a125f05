const fs = require('fs');
const os = require('os');
const path = require('path');

/** The folder where test files leave their verification counts (see __tests__/verify/counts.ts). */
const COUNTS_ENV = 'CLICKPIPES_VERIFY_COUNTS';

/**
 * Ends a Jest run with what the verification oracles did (policies checked, requests simulated,
 * …) and a plain "tests: N passed, N failed" line, which CI reads.
 */
class SummaryReporter {
  constructor() {
    // Made before Jest starts its workers, which inherit the variable.
    this.countsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-verify-counts-'));
    process.env[COUNTS_ENV] = this.countsDir;
  }

  /** The counts of every test file, summed. */
  readCounts() {
    const counts = new Map();
    for (const file of fs.readdirSync(this.countsDir)) {
      for (const line of fs.readFileSync(path.join(this.countsDir, file), 'utf8').split('\n')) {
        const [name, n] = line.split('\t');
        if (name) counts.set(name, (counts.get(name) ?? 0) + Number(n));
      }
    }
    fs.rmSync(this.countsDir, { recursive: true, force: true });
    return counts;
  }

  onRunComplete(_contexts, results) {
    const c = this.readCounts();
    const n = (name) => c.get(name) ?? 0;
    if (c.size) {
      const allowed = n('requests allowed');
      const denied = n('requests denied');
      const skipped = n('resources skipped (unresolved reference)');
      process.stdout.write(
        `verified: ${n('policies checked')} policies checked against the IAM catalog` +
          (skipped ? ` (${skipped} resources skipped: unresolved references)` : '') +
          `; ${allowed + denied} requests simulated (${allowed} allowed, ${denied} denied)` +
          `; ${n('bad-input rows')} bad-input rows; ${n('fuzz runs')} fuzz runs` +
          `; ${n('stacks validated by terraform')} stacks validated and ${n('stacks planned by terraform')} planned by Terraform` +
          `; ${n('diagrams parsed by mermaid')} diagrams parsed by Mermaid\n`,
      );
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = SummaryReporter;
