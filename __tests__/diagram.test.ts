import * as fs from 'fs';
import * as path from 'path';
import { ClickPipesConfig, EXAMPLE_CONFIG, checkExport, exportStacks, parseConfig, synthesize } from '../lib';
import { diagramMarkdown, markdownCode, mermaidFlowchart } from '../lib/app/diagram';
import { StackPicture } from '../lib/app/stack-picture';
import { tempFolders } from './helpers';
import { ParsedFlowchart, mermaidBlock, parseMermaid } from './verify/mermaid';

// diagram.md beside each stack: judged by Mermaid's own parser (the `mermaid` package, under
// jsdom) against the synthesized Terraform, not against the code that draws it.
const tmp = tempFolders('cpa-diagram-');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Synthesizes a config; each stack's Terraform JSON and diagram.md. */
function synthStacks(config: ClickPipesConfig, hcl = false) {
  const outdir = path.join(tmp(), 'out');
  const names = synthesize(config, { outdir, hcl });
  return Object.fromEntries(
    names.map((name) => {
      const dir = path.join(outdir, 'stacks', name);
      const tf = hcl ? undefined : (JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8')) as Json);
      return [name, { tf, md: fs.readFileSync(path.join(dir, 'diagram.md'), 'utf8') }];
    }),
  );
}

/** The cells of each table row of a markdown file that starts with a code span (the data rows), split on unescaped `|`. */
function tableRows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Source'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/ (?<!\\)\| /)
        .map((c) => c.trim()),
    );
}

/** The text of code spans in a cell (GFM: `\|` is a `|`; one space stripped on both sides when both are spaces). */
function spans(cell: string): string[] {
  return [...cell.matchAll(/(`+)(.+?)\1(?!`)/g)].map((m) => {
    const t = m[2].replace(/\\\|/g, '|');
    return /^ .* $/.test(t) ? t.slice(1, -1) : t;
  });
}

/** The config's readable names of the references the Terraform holds (`${data.aws_db_instance.orders_db_instance.resource_id}`). */
function readableReferences(config: ClickPipesConfig): [RegExp, string][] {
  const out: [RegExp, string][] = [];
  for (const account of config.accounts) {
    for (const s of [...(account.sources ?? []), ...(account.regions ?? []).flatMap((r) => r.sources)]) {
      const source = s as Json;
      const db =
        source.dbInstanceIdentifier ??
        source.dbClusterIdentifier ??
        (source.create ? (source.create.identifier ?? source.name.toLowerCase()) : undefined);
      if (db === undefined) continue;
      const ref = `\\$\\{(data\\.)?aws_(db_instance|rds_cluster)\\.${source.name}_(db_instance|db_cluster|database)`;
      out.push([new RegExp(`${ref}\\.(cluster_)?resource_id\\}`, 'g'), `‹resource ID of ${db}›`]);
      out.push([new RegExp(`${ref}\\.port\\}`, 'g'), `‹port of ${db}›`]);
    }
  }
  return out;
}

const short = (arn: string, region: string, account: string) =>
  arn.replace(new RegExp(`^arn:aws:([^:]+):(${region})?:(${account})?:`), '$1:');

/** What an edge or node shows of a list: all of it, or the first 3 and how many more. */
const cut = (items: string[]) =>
  items.length <= 4 ? items : [...items.slice(0, 3), `and ${items.length - 3} more (table below)`];

/**
 * Checks a stack's diagram against its Terraform: a subgraph per source with its role, an edge
 * from the trusted principal with the trust policy's actions, an edge per statement of the inline
 * policy to a node of its resources, the tables with every action and resource in full.
 */
function expectDiagramOfTerraform(tf: Json, md: string, parsed: ParsedFlowchart, refs: [RegExp, string][]) {
  const readable = (value: string) => refs.reduce((v, [re, name]) => v.replace(re, name), value);
  const provider = tf.provider.aws[0];
  const [region, account] = [provider.region, provider.allowed_account_ids[0]];
  const vertex = (id: string) => parsed.vertices.find((v) => v.id === id)!;
  const rows = tableRows(md);
  const roles = tf.resource.aws_iam_role as Record<string, Json>;
  const docs = tf.data.aws_iam_policy_document as Record<string, { statement: Json[] }>;
  expect(parsed.subgraphs.filter((g) => g.id !== 'account')).toHaveLength(Object.keys(roles).length);
  for (const [key, role] of Object.entries(roles)) {
    const source = key.replace(/_role$/, '');
    const group = parsed.subgraphs.find((g) => g.lines[0].startsWith(`${source} · `))!;
    expect(group).toBeDefined();
    const roleId = group.nodes.find((n) => n.endsWith('_role'))!;
    expect(vertex(roleId).lines).toEqual(['IAM role', role.name]);
    expect(vertex(roleId).classes).toEqual(['role']);

    const [trust] = docs[`${source}_trust_policy`].statement;
    const trusted = parsed.edges.filter((e) => e.to === roleId);
    expect(trusted).toHaveLength(1);
    expect(trusted[0].lines).toEqual(trust.actions);
    expect(vertex(trusted[0].from).lines).toEqual([
      'ClickHouse service role',
      readable(trust.principals[0].identifiers[0]).replace(
        /^\$\{data\.clickhouse_service\.service_(.+)\.iam_role\}$/,
        '‹IAM role of ClickHouse service $1›',
      ),
    ]);

    const policy = Object.values(tf.resource.aws_iam_role_policy as Record<string, Json>).find(
      (p) => p.role === `\${aws_iam_role.${key}.name}`,
    )!;
    const statements = docs[policy.policy.match(/aws_iam_policy_document\.(\w+)\.json/)[1]].statement;
    const grants = parsed.edges.filter((e) => e.from === roleId);
    expect(grants).toHaveLength(statements.length);
    const sourceRows = rows.slice(rows.findIndex((r) => spans(r[0])[0] === source)).slice(0, statements.length);
    statements.forEach((s, n) => {
      const resources: string[] = s.resources.map(readable);
      expect(grants[n].lines).toEqual(cut(s.actions));
      expect(vertex(grants[n].to).lines).toEqual(cut(resources.map((r) => short(r, region, account))));
      expect(spans(sourceRows[n][3])).toEqual([policy.name]);
      expect(spans(sourceRows[n][4])).toEqual(s.actions);
      expect(spans(sourceRows[n][5])).toEqual(resources);
    });
  }
}

/** What Mermaid made of each diagram of this file, parsed in one process (loading Mermaid takes seconds). */
const parsedDiagrams = new Map<string, ParsedFlowchart>();
const diagramsToParse = new Set<string>();
beforeAll(() => {
  const texts = [...diagramsToParse];
  parseMermaid(texts).forEach((result, n) => parsedDiagrams.set(texts[n], result));
});
const parsedOf = (text: string) => parsedDiagrams.get(text)!;

describe('the example config', () => {
  const config = parseConfig(EXAMPLE_CONFIG);
  const stacks = synthStacks(config);
  const parsed: Record<string, ParsedFlowchart> = {};
  for (const { md } of Object.values(stacks)) diagramsToParse.add(mermaidBlock(md));
  beforeAll(() => {
    for (const [name, { md }] of Object.entries(stacks)) parsed[name] = parsedOf(mermaidBlock(md));
  });

  test.each(['prod', 'analytics'])('%s: Mermaid parses it as a flowchart', (stack) => {
    expect(parsed[stack].error).toBeUndefined();
    expect(parsed[stack].type).toBe('flowchart-v2');
    expect(stacks[stack].md.startsWith(`# Stack \`${stack}\`: ClickPipes access\n`)).toBe(true);
  });

  test.each(['prod', 'analytics'])('%s: roles, trust and every grant are those of the Terraform', (stack) => {
    expectDiagramOfTerraform(stacks[stack].tf!, stacks[stack].md, parsed[stack], readableReferences(config));
  });

  test('references read as what they name, never as ${…}', () => {
    for (const { md } of Object.values(stacks)) expect(md).not.toContain('${');
    const prod = parsed.prod.vertices.map((v) => v.lines.join('\n')).join('\n');
    expect(prod).toContain('rds-db:dbuser:‹resource ID of orders-prod›/clickpipes_iam_user');
    expect(prod).toContain('rds-db:dbuser:cluster-ABCDEFGHIJKLMNOP/cp_users');
    const ips = parsed.prod.edges.find((e) => e.from === 'ips1')!;
    expect(ips.lines).toEqual(['tcp ‹port of orders-prod› · sg-0123456789abcdef0']);
  });

  test('the database side: what the stack sets and what is left to the database owner', () => {
    const db = (stack: string, name: string) => {
      const group = parsed[stack].subgraphs.find((g) => g.lines[0].startsWith(`${name} · `))!;
      return parsed[stack].vertices.find((v) => group.nodes.includes(v.id) && v.shape === 'cylinder')!.lines;
    };
    const analytics = stacks.analytics.tf!;
    const group = analytics.resource.aws_db_parameter_group.events_replication_parameters;
    expect(db('analytics', 'events')).toEqual([
      'DB instance events',
      'RDS for MariaDB, created by this stack',
      'IAM DB auth on (this stack)',
      'user clickpipes_iam_user',
      'CDC parameters (this stack):',
      ...group.parameter.map((p: Json) => `${p.name} = ${p.value}`),
      'setup SQL clickpipes/events.sql',
    ]);
    expect(db('prod', 'payments')).toEqual([
      'Aurora cluster payments-prod',
      'Aurora PostgreSQL, looked up',
      'IAM DB auth yours to turn on',
      'user clickpipes_iam_user',
      'CDC parameters (yours to set):',
      'rds.logical_replication = 1',
      'rds.iam_auth_for_replication = 1',
      'setup SQL clickpipes/payments.sql',
    ]);
    expect(db('prod', 'orders')).toContain('initial-load');
    const rules = Object.values(stacks.prod.tf!.resource.aws_vpc_security_group_ingress_rule as Record<string, Json>);
    expect(parsed.prod.vertices.find((v) => v.id === 'ips1')!.lines).toEqual([
      `${rules.length} ClickPipes static IPs of us-east-1`,
    ]);
    const row = tableRows(stacks.analytics.md).find((r) => spans(r[0])[0] === 'events' && r.length === 8)!;
    expect(row[5]).toContain(`parameter group \`${group.name}\``);
  });

  test('the same bytes in HCL mode', () => {
    const hcl = synthStacks(config, true);
    for (const name of Object.keys(stacks)) expect(hcl[name].md).toBe(stacks[name].md);
  });

  test("the README's example is the prod stack's diagram, as generated", () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    // On a change: copy the mermaid block of cdktf.out/stacks/prod/diagram.md (`npm run synth`) into the README.
    expect(mermaidBlock(readme)).toBe(mermaidBlock(stacks.prod.md));
  });

  test('snapshot', () => {
    expect(stacks.prod.md).toMatchSnapshot('prod');
    expect(stacks.analytics.md).toMatchSnapshot('analytics');
  });
});

/** Ten sources of every type, two ClickHouse principals, network access on two databases. */
const TEN: ClickPipesConfig = parseConfig({
  clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
  accounts: [
    {
      name: 'platform',
      accountId: '123456789012',
      region: 'eu-central-1',
      sources: [
        {
          name: 'orders',
          type: 'rds-postgres',
          dbInstanceIdentifier: 'orders-prod',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
          networkAccess: { clickHouseRegion: 'eu-central-1', securityGroupIds: ['sg-0123456789abcdef0'] },
        },
        {
          name: 'billing',
          type: 'aurora-postgres',
          create: { engineVersion: '16.6', vpcSecurityGroupIds: ['sg-0fedcba9876543210'], publiclyAccessible: true },
          pipeMode: 'cdc',
          networkAccess: { clickHouseRegion: 'eu-central-1' },
        },
        {
          name: 'users',
          type: 'aurora-mysql',
          resourceId: 'cluster-ABCDEFGHIJKLMNOP',
          pipeMode: 'cdc',
          dbUser: 'cp_users',
          schemas: ['users'],
        },
        {
          name: 'inventory',
          type: 'rds-mariadb',
          create: { engineVersion: '10.11' },
          pipeMode: 'cdc',
          tables: [{ schema: 'shop', name: 'stock' }],
        },
        {
          name: 'clicks',
          type: 'kinesis',
          streams: ['clicks', 'arn:aws:kinesis:eu-central-1:210987654321:stream/clicks-replay'],
        },
        {
          name: 'audit',
          type: 'kinesis',
          streams: ['audit-log'],
          clickHouseService: { id: '7d1b6a3c-9e2f-4c5a-8b1d-0e9f8a7b6c5d' },
        },
        {
          name: 'landing',
          type: 's3',
          buckets: ['acme-landing'],
          prefix: 'Verkäufe "EU" <2024> #1 | 50% & `x` \\ ] end; %%{init}%% ø/',
          sqsQueueArn: 'arn:aws:sqs:eu-central-1:123456789012:acme-landing-events',
          roleName: 'ClickHouseAccessRole-a+b=c,d.e@f',
        },
        { name: 'archive', type: 's3', buckets: ['acme-archive', 'acme-archive-eu'] },
        {
          name: 'kafka',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:eu-central-1:123456789012:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5',
          topics: ['orders', 'payments.*'],
        },
        {
          name: 'events',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:eu-central-1:123456789012:cluster/events/0b2c3d4e-1111-2222-3333-444455556666-2',
          consumerGroups: ['clickpipes-*'],
        },
      ],
    },
  ],
});

describe('a stack of ten sources with odd names', () => {
  const stack = synthStacks(TEN).platform;
  diagramsToParse.add(mermaidBlock(stack.md));
  let parsed: ParsedFlowchart;
  beforeAll(() => {
    parsed = parsedOf(mermaidBlock(stack.md));
  });

  test('Mermaid parses it, and every grant is the Terraform’s', () => {
    expect(parsed.error).toBeUndefined();
    expectDiagramOfTerraform(stack.tf!, stack.md, parsed, readableReferences(TEN));
    expect(stack.md).not.toContain('${');
  });

  test('quotes, brackets, <, #, %, |, backticks and unicode come out as written', () => {
    const prefix = 'Verkäufe "EU" <2024> #1 | 50% & `x` \\ ] end; %%{init}%% ø/';
    const landing = parsed.subgraphs.find((g) => g.lines[0] === 'landing · s3')!;
    const labels = parsed.vertices.filter((v) => landing.nodes.includes(v.id)).map((v) => v.lines);
    expect(labels).toContainEqual(['IAM role', 'ClickHouseAccessRole-a+b=c,d.e@f']);
    expect(labels).toContainEqual([`s3:acme-landing/${prefix}*`]);
    const rows = tableRows(stack.md);
    expect(rows.flatMap((r) => r.flatMap(spans))).toContain(`arn:aws:s3:::acme-landing/${prefix}*`);
    expect(rows.every((r) => r.length === 6 || r.length === 8)).toBe(true);
  });

  test('another account’s stream stays a whole ARN; a ClickHouse service is its own principal', () => {
    const lines = parsed.vertices.flatMap((v) => v.lines);
    expect(lines).toContain('arn:aws:kinesis:eu-central-1:210987654321:stream/clicks-replay');
    expect(lines).toContain('kinesis:stream/clicks');
    const principals = parsed.vertices.filter((v) => v.lines[0] === 'ClickHouse service role');
    expect(principals.map((v) => v.lines[1])).toEqual([
      'arn:aws:iam::111122223333:role/CH-S3-example-Role',
      '‹IAM role of ClickHouse service 7d1b6a3c-9e2f-4c5a-8b1d-0e9f8a7b6c5d›',
    ]);
    expect(parsed.edges.filter((e) => e.from === 'ips1').map((e) => e.lines[0])).toEqual([
      'tcp ‹port of orders-prod› · sg-0123456789abcdef0',
      'tcp ‹port of billing› · sg-0fedcba9876543210',
    ]);
  });
});

describe('rendering', () => {
  // Mermaid trims a label's leading and trailing spaces (and HTML would collapse them), so none here.
  const odd = [
    'a"b',
    '#quot;',
    '<script>x</script>',
    '`',
    '``x``',
    'a|b',
    '%%',
    'end',
    'tab\there',
    'line\nbreak',
    'ø 中 🙂',
    'a  b',
  ];
  const picture: StackPicture = {
    stack: 'odd',
    accountId: '123456789012',
    region: 'us-east-1',
    sources: odd.map((name, n) => ({
      name,
      type: 's3',
      roleName: `${name}-role`,
      trustedBy: [`arn:aws:iam::111122223333:role/${name}`],
      trustActions: ['sts:AssumeRole'],
      grants: [
        { policy: name, effect: 'Allow', actions: [`s3:${name}`], resources: [name], shortResources: [`${n}${name}`] },
      ],
    })),
  };

  const flowchart = mermaidFlowchart(picture).join('\n');
  const bad = 'flowchart LR\n  a["x"y"] --> b\n';
  diagramsToParse.add(flowchart).add(bad);

  test('every odd text is a label Mermaid shows as written', () => {
    const parsed = parsedOf(flowchart);
    expect(parsed.error).toBeUndefined();
    odd.forEach((name, n) => {
      const s = `s${n + 1}`;
      expect(parsed.subgraphs.find((g) => g.id === s)!.lines).toEqual([`${name} · s3`]);
      expect(parsed.vertices.find((v) => v.id === `${s}_role`)!.lines).toEqual(['IAM role', `${name}-role`]);
      expect(parsed.vertices.find((v) => v.id === `${s}_r1`)!.lines).toEqual([`${n}${name}`]);
      expect(parsed.edges.find((e) => e.to === `${s}_r1`)!.lines).toEqual([`s3:${name}`]);
    });
  });

  test('table cells keep odd text in code spans, one cell each', () => {
    const rows = tableRows(diagramMarkdown(picture));
    expect(rows).toHaveLength(odd.length);
    rows.forEach((r, n) => {
      expect(r).toHaveLength(6);
      const shown = odd[n].replace(/[\t\n]/g, (c) => (c === '\t' ? '\\u0009' : '\\u000a'));
      expect(spans(r[3])).toEqual([shown]);
    });
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`x`')).toBe('`` `x` ``');
  });

  test('a picture from a bad label syntax would be caught: the oracle refuses an unescaped quote', () => {
    expect(parsedOf(bad).error).toMatch(/Parse error/);
  });
});

describe('export --check covers diagram.md', () => {
  test('a config change, an edit of diagram.md and a missing one are each reported', async () => {
    const out = path.join(tmp(), 'terraform');
    const config = parseConfig(EXAMPLE_CONFIG);
    await exportStacks(config, { out });
    expect(await checkExport(config, { out })).toEqual([]);

    const [prod, analytics] = config.accounts;
    const kafka = prod.sources!.map((s) => (s.type === 'msk' ? { ...s, topics: ['orders', 'audit'] } : s));
    const changed = { ...config, accounts: [{ ...prod, sources: kafka }, analytics] };
    expect(await checkExport(changed, { out })).toEqual([
      { stack: 'prod', file: 'stacks/prod/cdk.tf.json', problem: 'differs' },
      { stack: 'prod', file: 'stacks/prod/diagram.md', problem: 'differs' },
    ]);

    const file = path.join(out, 'stacks', 'analytics', 'diagram.md');
    fs.appendFileSync(file, 'edited by hand\n');
    expect(await checkExport(config, { out })).toEqual([
      { stack: 'analytics', file: 'stacks/analytics/diagram.md', problem: 'differs' },
    ]);
    fs.rmSync(file);
    expect(await checkExport(config, { out })).toEqual([
      { stack: 'analytics', file: 'stacks/analytics/diagram.md', problem: 'missing' },
    ]);
  });
});

test('an RDS Multi-AZ DB cluster reads as one, with its DB cluster parameter group', () => {
  const config = parseConfig({
    clickHouseIamRoleArn: 'arn:aws:iam::111122223333:role/CH-S3-example-Role',
    accounts: [
      {
        name: 'maz',
        accountId: '123456789012',
        region: 'eu-central-1',
        sources: [
          { name: 'ledger', type: 'rds-mysql', dbClusterIdentifier: 'ledger', schemas: ['ledger'] },
          { name: 'orders', type: 'rds-postgres', resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ' },
        ],
      },
    ],
  });
  const { md } = synthStacks(config).maz;
  expect(md).toContain('Multi-AZ DB cluster ledger');
  expect(md).toContain('Multi-AZ DB cluster with resource ID cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ');
  expect(md).not.toContain('DB instance');
});
