/** What the doctor finds: per source, a list of checks, each passed or failed with its fix. */

/** One line of a source's checklist. */
export interface Check {
  /** What was checked, in AWS and ClickPipes words: "IAM role ClickHouseAccessRole-orders exists". */
  readonly name: string;
  readonly ok: boolean;
  /** What was found, when it adds to the name: the value read, or the error AWS returned. */
  readonly detail?: string;
  /** For a failed check: the exact fix, a console step, an AWS CLI command or SQL. */
  readonly fix?: string;
}

/** The checklist of one source of one stack. */
export interface SourceReport {
  readonly stack: string;
  readonly source: string;
  /** The source's `type`. */
  readonly type: string;
  readonly accountId: string;
  readonly region: string;
  readonly checks: readonly Check[];
}

export const pass = (name: string, detail?: string): Check =>
  detail === undefined ? { name, ok: true } : { name, ok: true, detail };
export const fail = (name: string, fix: string, detail?: string): Check =>
  detail === undefined ? { name, ok: false, fix } : { name, ok: false, detail, fix };
/** A check that passes when `ok`, else fails with `fix`. */
export const check = (name: string, ok: boolean, fix: string, detail?: string): Check =>
  ok ? pass(name, detail) : fail(name, fix, detail);
