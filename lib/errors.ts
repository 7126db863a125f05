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

  constructor(problems: readonly string[]) {
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

/** A problem with one field: its name (as in the props) and the sentence. */
export type FieldProblem = readonly [field: string, problem: string];

/** Throws one {@link ClickPipesInputError} for all `problems` of the construct at `path`, if any. */
export function throwIfProblems(path: string, problems: readonly FieldProblem[]): void {
  if (problems.length)
    throw new ClickPipesInputError(problems.map(([field, problem]) => `${path}.${field}: ${problem}`));
}
