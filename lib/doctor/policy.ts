/**
 * IAM policy documents compared by meaning: statement order, the order of actions, resources and
 * principals, and a single value against a list of one do not matter; action names compare without
 * case (IAM ignores it). An expected value with a Terraform reference (`${…}`) matches any value
 * in its place.
 */

/** An IAM policy document (the JSON of the IAM API). */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: readonly Record<string, unknown>[] | Record<string, unknown>;
}

/** A statement in comparable form: each key a sorted list of strings. */
type Normal = Record<string, string[]>;

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function normalize(statement: Record<string, unknown>): Normal {
  const out: Normal = {};
  for (const [key, value] of Object.entries(statement)) {
    if (key === 'Sid') continue;
    if (key === 'Action' || key === 'NotAction') out[key] = list(value).map((a) => a.toLowerCase());
    else if (key === 'Principal' || key === 'NotPrincipal') {
      out[key] =
        value === '*'
          ? ['*']
          : Object.entries(value as object).flatMap(([t, ids]) => list(ids).map((id) => `${t}:${id}`));
    } else if (key === 'Condition') {
      out[key] = Object.entries(value as object).flatMap(([test, vars]) =>
        Object.entries(vars as object).map(
          ([variable, values]) => `${test}:${variable.toLowerCase()}=${list(values).sort().join(',')}`,
        ),
      );
    } else out[key] = list(value);
  }
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

/** Whether an expected string (maybe with `${…}` references) matches an actual one. */
function matches(expected: string, actual: string): boolean {
  if (!expected.includes('${')) return expected === actual;
  const pattern = expected
    .split(/\$\{[^}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/** Whether each expected value matches a distinct actual value, and no actual value is left. */
function sameValues(expected: string[], actual: string[]): boolean {
  if (expected.length !== actual.length) return false;
  const left = [...actual];
  // Literal values first, so that a pattern does not take a value a literal needs.
  for (const e of [...expected].sort((a, b) => Number(a.includes('${')) - Number(b.includes('${')))) {
    const i = left.findIndex((a) => matches(e, a));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

function sameStatement(expected: Normal, actual: Normal): boolean {
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  return [...keys].every((k) => sameValues(expected[k] ?? [], actual[k] ?? []));
}

const statements = (d: PolicyDocument) =>
  (Array.isArray(d.Statement) ? d.Statement : [d.Statement]) as Record<string, unknown>[];

/** A statement in a few words, for the detail of a drift: "Allow kinesis:getrecords on arn:…". */
function describe(s: Normal): string {
  const what = [...(s.Action ?? []), ...(s.NotAction ?? []).map((a) => `not ${a}`)].join(',');
  const on = s.Resource ? ` on ${s.Resource.join(',')}` : s.Principal ? ` for ${s.Principal.join(',')}` : '';
  return `${(s.Effect ?? ['Allow'])[0]} ${what}${on}`;
}

/** The differences between the expected and the actual document, one phrase each; empty when they agree. */
export function policyDifferences(expected: PolicyDocument, actual: PolicyDocument): string[] {
  const want = statements(expected).map(normalize);
  const have = statements(actual).map(normalize);
  const unmatched = [...have];
  const missing: Normal[] = [];
  for (const w of want) {
    const i = unmatched.findIndex((h) => sameStatement(w, h));
    if (i < 0) missing.push(w);
    else unmatched.splice(i, 1);
  }
  return [
    ...missing.map((s) => `missing: ${describe(s)}`),
    ...unmatched.map((s) => `not in the stack: ${describe(s)}`),
  ];
}

/** Whether a document allows `action` (exactly, or by a `service:*` or `*` wildcard) on `resource`. */
export function allows(documents: readonly PolicyDocument[], action: string, resource: string): boolean {
  const a = action.toLowerCase();
  return documents.some((d) =>
    statements(d).some((s) => {
      if ((s.Effect ?? 'Allow') !== 'Allow') return false;
      const actions = list(s.Action).map((x) => x.toLowerCase());
      const actionOk = actions.some((x) => x === a || x === '*' || (x.endsWith('*') && a.startsWith(x.slice(0, -1))));
      const resources = list(s.Resource);
      return (
        actionOk &&
        resources.some((r) => r === '*' || r === resource || (r.endsWith('*') && resource.startsWith(r.slice(0, -1))))
      );
    }),
  );
}
