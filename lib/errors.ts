/**
 * User errors: bad input in a config file or in construct props.
 *
 * Every text names the field, the value that was given, what is expected and how to fix it.
 * The app prints the message of a {@link ClickPipesInputError} without a stack trace and exits
 * non-zero; anything else is a bug and keeps its stack trace.
 */
export class ClickPipesInputError extends Error {
  /** One line per problem, each starting with the field path (e.g. `accounts[0].region`). */
  public readonly problems: readonly string[];

  constructor(given: readonly string[]) {
    const problems = given.map(cutLongValues);
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ClickPipesInputError';
    this.problems = problems;
  }

  /** Whether `e` is a user error (also across copies of this package). */
  public static isInputError(e: unknown): e is ClickPipesInputError {
    return (
      e instanceof Error && e.name === 'ClickPipesInputError' && Array.isArray((e as ClickPipesInputError).problems)
    );
  }
}

/** Quoted values longer than this are cut in messages. */
const LONG_VALUE = 200;

/**
 * A message with each quoted value of more than {@link LONG_VALUE} characters cut to its start
 * and its length (`"aaaa…" (1048576 characters)`): a 1 MB value must not come back as 1 MB of
 * error text.
 */
export function cutLongValues(message: string): string {
  // Every quoted string in turn, so that the text between two of them is never read as one.
  return message.replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => {
    if (quoted.length <= LONG_VALUE) return quoted;
    let value: string;
    try {
      value = JSON.parse(quoted) as string;
    } catch {
      value = quoted.slice(1, -1);
    }
    return `${JSON.stringify(value.slice(0, 60))}… (${value.length.toLocaleString('en-US')} characters)`;
  });
}

/** A problem with one field: its name (as in the props) and the sentence. */
export type FieldProblem = readonly [field: string, problem: string];

/** Throws one {@link ClickPipesInputError} for all `problems` of the construct at `path`, if any. */
export function throwIfProblems(path: string, problems: readonly FieldProblem[]): void {
  if (problems.length)
    throw new ClickPipesInputError(problems.map(([field, problem]) => `${path}.${field}: ${problem}`));
}
