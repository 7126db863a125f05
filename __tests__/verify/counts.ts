/**
 * Counters of what the verification oracles did, summed over the whole Jest run and printed by
 * scripts/jest-summary-reporter.js before its closing line.
 *
 * The reporter makes a folder for the run and names it in CLICKPIPES_VERIFY_COUNTS (Jest workers
 * inherit it); each test file adds up its counts in memory and appends them to a file of its
 * process once, after its last test (see setup.ts). Without the variable, counting does nothing.
 */
import * as fs from 'fs';
import * as path from 'path';

export const COUNTS_ENV = 'CLICKPIPES_VERIFY_COUNTS';

/** The counters, as the reporter names them. */
export type Counter =
  | 'policies checked'
  | 'resources skipped (unresolved reference)'
  | 'requests allowed'
  | 'requests denied'
  | 'bad-input rows'
  | 'fuzz runs'
  | 'stacks validated by terraform'
  | 'stacks planned by terraform'
  | 'diagrams parsed by mermaid';

const KEY = Symbol.for('cdktf-clickpipes-aws.verify-counts');
const pending = (): Map<Counter, number> => {
  const g = globalThis as unknown as { [KEY]?: Map<Counter, number> };
  return (g[KEY] ??= new Map());
};

export function count(counter: Counter, n = 1): void {
  pending().set(counter, (pending().get(counter) ?? 0) + n);
}

/** Writes this test file's counts for the reporter and starts afresh. */
export function flushCounts(): void {
  const dir = process.env[COUNTS_ENV];
  const counts = pending();
  if (dir && counts.size && fs.existsSync(dir)) {
    const lines = [...counts].map(([counter, n]) => `${counter}\t${n}\n`).join('');
    fs.appendFileSync(path.join(dir, `${process.pid}.tsv`), lines);
  }
  counts.clear();
}
