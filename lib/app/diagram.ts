/**
 * `diagram.md` beside each stack's Terraform, for review in pull requests: a heading, one Mermaid
 * flowchart (GitHub, GitLab and most code hosts render it) and two tables with the full values.
 *
 * The flowchart reads left to right: the ClickHouse role → each source's IAM role (edge: the
 * trust policy's actions) → the resources of each policy statement (edge: its actions) → for
 * RDS/Aurora, the database (IAM auth, user, pipe mode, CDC parameters, setup SQL), with the
 * ClickPipes static IPs that may reach it. Long lists are cut in the picture and given whole in
 * the tables. The same stack gives the same bytes on every machine, in JSON and in HCL mode.
 */
import type { ClickPipesAccountStack } from './account-stack';
import { DatabasePicture, GrantPicture, SourcePicture, StackPicture, describeStack } from './stack-picture';

/** The file beside a stack's Terraform. */
export const DIAGRAM_FILE = 'diagram.md';

/** Most actions (or resources) an edge (or node) of the picture lists before "and N more". */
const MAX_LINES = 4;

/**
 * The `diagram.md` of a stack.
 *
 * @param setupSqlFiles the setup SQL file of each RDS/Aurora source, relative to the stack folder
 */
export function stackDiagram(stack: ClickPipesAccountStack, setupSqlFiles: Readonly<Record<string, string>> = {}) {
  return diagramMarkdown(describeStack(stack, setupSqlFiles));
}

/** The markdown of a {@link StackPicture}. */
export function diagramMarkdown(p: StackPicture): string {
  const lines = [
    `# Stack ${markdownCode(p.stack)}: ClickPipes access`,
    '',
    `AWS account ${markdownCode(p.accountId)}, region ${markdownCode(p.region)}. Generated with the Terraform beside it from the ` +
      'config by cdktf-clickpipes-aws: change the config, not this file.',
    '',
    '```mermaid',
    ...mermaidFlowchart(p),
    '```',
    '',
    '## IAM roles',
    '',
    row('Source', 'IAM role', 'Trusted principal', 'Policy', 'Actions', 'Resources'),
    row(...Array<string>(6).fill('---')),
    ...p.sources.flatMap((s) => roleRows(s)),
  ];
  const databases = p.sources.filter((s) => s.database);
  if (databases.length) {
    lines.push(
      '',
      '## Database side',
      '',
      row('Source', 'Database', 'Engine', 'IAM DB auth', 'DB user', 'Pipe mode', 'Setup SQL', 'Network access'),
      row(...Array<string>(8).fill('---')),
      ...databases.map((s) => databaseRow(s.name, s.database!)),
    );
  }
  return lines.join('\n') + '\n';
}

function roleRows(s: SourcePicture): string[] {
  const first = [
    `${markdownCode(s.name)} (${s.type})`,
    markdownCode(s.roleName),
    `${list(s.trustedBy)}<br>may ${list(s.trustActions, ', ')}`,
  ];
  const rest = ['', '', ''];
  return s.grants.map((g, n) =>
    row(
      ...(n === 0 ? first : rest),
      markdownCode(g.policy),
      (g.effect === 'Allow' ? '' : `${g.effect}: `) + list(g.actions, ', '),
      list(g.resources) + (g.more ? `<br>${g.more}` : ''),
    ),
  );
}

function databaseRow(source: string, d: DatabasePicture): string {
  const where = d.cdc?.parameterGroup
    ? `set by this stack in ${d.cdc.groupKind} ${markdownCode(d.cdc.parameterGroup)}`
    : `to set in the database's ${d.cdc?.groupKind}`;
  const mode = d.cdc ? `CDC: ${list(d.cdc.parameters, ', ')}, ${where}` : d.pipeMode;
  const network = d.network
    ? `tcp ${d.network.port} from the ${d.network.ips} to ${list(d.network.securityGroups, ', ')}`
    : 'no rules (no `networkAccess`)';
  return row(
    markdownCode(source),
    `${markdownCode(d.database)} (${d.how})`,
    d.engine,
    d.iamAuthSetHere ? 'turned on by this stack' : 'must be on (this stack does not change it)',
    markdownCode(d.dbUser),
    mode,
    d.setupSql ? markdownCode(d.setupSql) : '',
    network,
  );
}

/** The flowchart, line by line. Node IDs are generated (`s1_role`), never taken from names. */
export function mermaidFlowchart(p: StackPicture): string[] {
  const out = ['flowchart LR'];
  const edges: string[] = [];
  const classes: Record<string, string[]> = { clickhouse: [], role: [], resource: [], database: [] };
  const principals = new Map<string, string>();
  const ipNodes = new Map<string, string>();
  for (const s of p.sources) {
    for (const principal of s.trustedBy) {
      if (principals.has(principal)) continue;
      const id = `ch${principals.size + 1}`;
      principals.set(principal, id);
      out.push(`  ${id}(["${mermaidLabel('ClickHouse service role', principal)}"])`);
      classes.clickhouse.push(id);
    }
    const ips = s.database?.network?.ips;
    if (ips !== undefined && !ipNodes.has(ips)) {
      const id = `ips${ipNodes.size + 1}`;
      ipNodes.set(ips, id);
      out.push(`  ${id}(["${mermaidLabel(ips)}"])`);
      classes.clickhouse.push(id);
    }
  }
  out.push(`  subgraph account["${mermaidLabel(`AWS account ${p.accountId} · ${p.region}`)}"]`);
  p.sources.forEach((s, n) => {
    const id = `s${n + 1}`;
    out.push(`    subgraph ${id}["${mermaidLabel(`${s.name} · ${s.type}`)}"]`);
    out.push(`      ${id}_role["${mermaidLabel('IAM role', s.roleName)}"]`);
    classes.role.push(`${id}_role`);
    for (const principal of s.trustedBy)
      edges.push(`  ${principals.get(principal)} -->|"${mermaidLabel(...cut(s.trustActions))}"| ${id}_role`);
    s.grants.forEach((g, k) => {
      const node = `${id}_r${k + 1}`;
      out.push(`      ${node}["${mermaidLabel(...cut(g.shortResources), ...(g.more ? [g.more] : []))}"]`);
      classes.resource.push(node);
      edges.push(`  ${id}_role -->|"${mermaidLabel(...grantLabel(g))}"| ${node}`);
    });
    const d = s.database;
    if (d) {
      out.push(`      ${id}_db[("${mermaidLabel(...databaseLines(d))}")]`);
      classes.database.push(`${id}_db`);
      // The `rds-db:connect` resource is the database user: the login it allows.
      s.grants.forEach((_, k) => edges.push(`  ${id}_r${k + 1} -.->|"${mermaidLabel('IAM auth token')}"| ${id}_db`));
      if (d.network) {
        const to = `tcp ${d.network.port} · ${d.network.securityGroups.join(', ')}`;
        edges.push(`  ${ipNodes.get(d.network.ips)} -.->|"${mermaidLabel(to)}"| ${id}_db`);
      }
    }
    out.push('    end');
  });
  out.push('  end', ...edges);
  out.push(
    '  classDef clickhouse fill:#fffbe6,stroke:#b38f00,color:#000',
    '  classDef role fill:#fff3e0,stroke:#c25e00,color:#000',
    '  classDef resource fill:#eef4ff,stroke:#3b5b92,color:#000',
    '  classDef database fill:#ecf8ee,stroke:#2e7d32,color:#000',
    ...Object.entries(classes)
      .filter(([, ids]) => ids.length)
      .map(([name, ids]) => `  class ${ids.join(',')} ${name}`),
  );
  return out;
}

function grantLabel(g: GrantPicture): string[] {
  const actions = cut(g.actions);
  return g.effect === 'Allow' ? actions : [`${g.effect}:`, ...actions];
}

function databaseLines(d: DatabasePicture): string[] {
  return [
    d.database,
    `${d.engine}, ${d.how}`,
    `IAM DB auth ${d.iamAuthSetHere ? 'on (this stack)' : 'yours to turn on'}`,
    `user ${d.dbUser}`,
    ...(d.cdc
      ? [`CDC parameters ${d.cdc.parameterGroup ? '(this stack)' : '(yours to set)'}:`, ...d.cdc.parameters]
      : [d.pipeMode]),
    ...(d.setupSql ? [`setup SQL ${d.setupSql}`] : []),
  ];
}

/** At most {@link MAX_LINES} items, the last saying how many more there are. */
function cut(items: readonly string[]): string[] {
  if (items.length <= MAX_LINES) return [...items];
  const shown = items.slice(0, MAX_LINES - 1);
  return [...shown, `and ${items.length - shown.length} more (table below)`];
}

/**
 * Lines of text as a quoted Mermaid label, joined with `<br>`. Mermaid reads `#name;` and `#123;`
 * as entity codes inside labels, so every character that its parser, its HTML labels or the
 * markdown fence could read as syntax is written as one: `"`, `#`, `&`, `<`, `>`, `` ` ``, `%`,
 * `\` and control characters. Other text, unicode included, is kept as is.
 */
export function mermaidLabel(...lines: string[]): string {
  return lines.map(mermaidText).join('<br>');
}

export function mermaidText(text: string): string {
  return text.replace(/["#&<>`%\\\u0000-\u001f\u007f]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A markdown table row; cells must not hold a raw `|` (markdownCode() escapes it). */
function row(...cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** Items as code spans, one a line in a table cell (or joined by `sep`). */
function list(items: readonly string[], sep = '<br>'): string {
  return items.map(markdownCode).join(sep);
}

/**
 * A value as a code span in a table cell: a fence longer than any run of backticks in it, `|`
 * escaped (GitHub splits cells on it even in code spans), control characters written as `\uXXXX`.
 */
export function markdownCode(text: string): string {
  const safe = text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const longest = Math.max(0, ...(safe.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = safe.startsWith('`') || safe.endsWith('`') || /^ .* $/.test(safe) ? ' ' : '';
  return `${fence}${pad}${safe.replace(/\|/g, '\\|')}${pad}${fence}`;
}
