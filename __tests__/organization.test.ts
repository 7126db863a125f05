import { parse as parseHcl } from '@cdktf/hcl2json';
import { App, TerraformStack, Testing } from 'cdktf';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CLICKHOUSE_PROVIDER_VERSION,
  ClickHouseProvider,
  ClickPipesAccountStack,
  ClickPipesInputError,
  DataClickHouseService,
  buildApp,
  configStacks,
  loadConfig,
  parseConfig,
  synthesize,
  unwrapInterpolations,
} from '../lib';
import { CLICKHOUSE_ROLE, addresses, inputProblems, recordSynth, synthStack } from './helpers';

// Organizations: top-level defaults, regions, the deployer's role, tags, backends, the ClickHouse
// service as the trusted principal.

const SERVICE = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER_ARN = 'arn:aws:iam::444455556666:role/CH-other-Role';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A config of two account entries: `prod` in two regions, `analytics` in one. */
const org = (): Json => ({
  clickHouseIamRoleArn: CLICKHOUSE_ROLE,
  tags: { team: 'data' },
  accounts: [
    {
      name: 'prod',
      accountId: '123456789012',
      assumeRoleArn: 'arn:aws:iam::123456789012:role/deployer',
      assumeRoleSessionName: 'clickpipes',
      assumeRoleExternalId: 'ext-1',
      tags: { environment: 'prod', team: 'platform' },
      regions: [
        {
          region: 'us-east-1',
          sources: [
            { name: 'orders', type: 'rds-postgres', resourceId: 'db-ABC' },
            { name: 'clicks', type: 'kinesis', streams: ['clicks'], tags: { owner: 'web' } },
          ],
        },
        { region: 'eu-west-1', sources: [{ name: 'landing', type: 's3', buckets: ['acme-landing'] }] },
      ],
    },
    {
      name: 'analytics',
      accountId: '210987654321',
      region: 'eu-central-1',
      clickHouseService: { id: SERVICE },
      dbUser: 'cp_analytics',
      sources: [
        { name: 'events', type: 'rds-mysql', resourceId: 'db-DEF', schemas: ['events'] },
        { name: 'metrics', type: 'rds-postgres', resourceId: 'db-GHI', dbUser: 'cp_metrics' },
        {
          name: 'legacy',
          type: 'rds-mysql',
          resourceId: 'db-JKL',
          clickHouseIamRoleArn: OTHER_ARN,
          schemas: ['legacy'],
        },
      ],
    },
  ],
});

/** Terraform JSON of every stack of a config, by stack name. */
function synthAll(config: Json): Record<string, Json> {
  const app = Testing.app();
  buildApp(parseConfig(config), app);
  return Object.fromEntries(
    app.node.children
      .filter((c): c is ClickPipesAccountStack => c instanceof ClickPipesAccountStack)
      .map((stack) => [stack.node.id, JSON.parse(recordSynth(Testing.synth(stack, true)))]),
  );
}

const problemsOf = (config: Json) => inputProblems(() => parseConfig(config, 'org.json'));

describe('stacks of an organization', () => {
  let stacks: Record<string, Json>;
  beforeAll(() => {
    stacks = synthAll(org());
  });

  test('an entry with regions makes a stack per region, <name>-<region>; the others keep their name', () => {
    expect(Object.keys(stacks)).toEqual(['prod-us-east-1', 'prod-eu-west-1', 'analytics']);
    expect(configStacks(parseConfig(org())).map((s) => [s.name, s.region, s.sources.length])).toEqual([
      ['prod-us-east-1', 'us-east-1', 2],
      ['prod-eu-west-1', 'eu-west-1', 1],
      ['analytics', 'eu-central-1', 3],
    ]);
    expect(Object.keys(stacks['prod-eu-west-1'].resource.aws_iam_role)).toEqual(['landing_role']);
  });

  test("the aws provider assumes the account entry's role and sets the default tags", () => {
    expect(stacks['prod-eu-west-1'].provider.aws).toEqual([
      {
        region: 'eu-west-1',
        allowed_account_ids: ['123456789012'],
        assume_role: [
          { role_arn: 'arn:aws:iam::123456789012:role/deployer', session_name: 'clickpipes', external_id: 'ext-1' },
        ],
        // The account's tags over the top level's, and the project's own.
        default_tags: [{ tags: { team: 'platform', environment: 'prod', 'managed-by': 'cdktf-clickpipes-aws' } }],
      },
    ]);
    expect(stacks.analytics.provider.aws[0].assume_role).toBeUndefined();
  });

  test("each source's resources carry its name and its own tags", () => {
    const roles = stacks['prod-us-east-1'].resource.aws_iam_role;
    expect(roles.clicks_role.tags).toEqual({ owner: 'web', 'clickpipes-source': 'clicks' });
    expect(roles.orders_role.tags).toEqual({ 'clickpipes-source': 'orders' });
  });

  test('the DB user comes from the source, else the account entry, else the top level', () => {
    const sql = (source: string) => stacks.analytics.output[`${source}_db_user_sql`].value;
    expect(sql('events')).toContain("CREATE USER 'cp_analytics'");
    expect(sql('metrics')).toContain('CREATE USER "cp_metrics"');
    expect(sql('legacy')).toContain("CREATE USER 'cp_analytics'");
    const top = synthAll({ ...org(), dbUser: 'cp_top' })['prod-us-east-1'];
    expect(top.output.orders_db_user_sql.value).toContain('CREATE USER "cp_top"');
  });

  test('a ClickHouse service: the pinned provider, one data source per service, the trust policy on its iam_role', () => {
    const a = stacks.analytics;
    expect(a.terraform.required_providers.clickhouse).toEqual({
      source: 'ClickHouse/clickhouse',
      version: CLICKHOUSE_PROVIDER_VERSION,
    });
    expect(CLICKHOUSE_PROVIDER_VERSION).toMatch(/^3\.\d+\.\d+$/);
    expect(a.provider.clickhouse).toEqual([{}]);
    expect(Object.keys(a.data.clickhouse_service)).toEqual([`service_${SERVICE}`]);
    expect(a.data.clickhouse_service[`service_${SERVICE}`].id).toBe(SERVICE);
    const principal = (source: string) =>
      a.data.aws_iam_policy_document[`${source}_trust_policy`].statement[0].principals[0].identifiers;
    expect(principal('events')).toEqual([`\${data.clickhouse_service.service_${SERVICE}.iam_role}`]);
    expect(principal('metrics')).toEqual([`\${data.clickhouse_service.service_${SERVICE}.iam_role}`]);
    // A source's own ARN wins over its account entry's service.
    expect(principal('legacy')).toEqual([OTHER_ARN]);
    // Stacks that trust ARNs only have no ClickHouse provider.
    expect(stacks['prod-us-east-1'].terraform.required_providers.clickhouse).toBeUndefined();
    expect(stacks['prod-us-east-1'].data.clickhouse_service).toBeUndefined();
  });

  test('the ClickHouse classes on their own: provider arguments and the iam_role reference', () => {
    const synth = JSON.parse(
      synthStack((scope) => {
        const provider = new ClickHouseProvider(scope, 'ch', { organizationId: 'org-1', alias: 'eu' });
        const service = new DataClickHouseService(scope, 'svc', { id: SERVICE, provider });
        expect(service.iamRole).toMatch(/^\$\{TfToken\[/);
        expect(service.cloudProvider).toMatch(/^\$\{TfToken\[/);
      }),
    );
    expect(synth.provider.clickhouse).toEqual([{ organization_id: 'org-1', alias: 'eu' }]);
    expect(synth.data.clickhouse_service.svc).toMatchObject({ id: SERVICE, provider: 'clickhouse.eu' });
  });

  test('a service that is not on AWS stops the plan: postcondition on cloud_provider, a block in HCL (issue 12)', () => {
    let hcl = '';
    const synth = JSON.parse(
      synthStack((scope) => {
        new DataClickHouseService(scope, 'svc', { id: SERVICE });
        hcl = Testing.synthHcl(scope as TerraformStack);
      }),
    );
    expect(synth.data.clickhouse_service.svc.lifecycle.postcondition).toEqual([
      {
        condition: '${self.cloud_provider == "aws"}',
        error_message: expect.stringMatching(
          new RegExp(
            `^ClickHouse service ${SERVICE} runs on \\$\\{self\\.cloud_provider\\}; ClickPipes role-based access to AWS .* needs a ClickHouse Cloud service on AWS`,
          ),
        ),
      },
    ]);
    expect(hcl).toMatch(/lifecycle \{\npostcondition \{\ncondition = self\.cloud_provider == "aws"\n/);
  });
});

describe('backends', () => {
  const backendOf = (backend: Json | undefined, account: Json = {}) => {
    const config = org();
    if (backend) config.backend = backend;
    Object.assign(config.accounts[1], account);
    const all = synthAll(config);
    return { prod: all['prod-us-east-1'].terraform, analytics: all.analytics.terraform };
  };

  test('default: local state beside the project, one file per stack', () => {
    expect(backendOf(undefined).prod.backend).toEqual({
      local: { path: '../../../terraform.prod-us-east-1.tfstate' },
    });
  });

  test('S3: a key per stack, encrypted unless told otherwise, the lock options given', () => {
    const { prod, analytics } = backendOf({
      type: 's3',
      bucket: 'acme-state',
      region: 'us-east-1',
      useLockfile: true,
      assumeRoleArn: 'arn:aws:iam::999999999999:role/state',
    });
    expect(prod.backend).toEqual({
      s3: {
        bucket: 'acme-state',
        key: 'clickpipes/prod-us-east-1.tfstate',
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
        assume_role: { role_arn: 'arn:aws:iam::999999999999:role/state' },
      },
    });
    expect(analytics.backend.s3.key).toBe('clickpipes/analytics.tfstate');
    const custom = backendOf({
      type: 's3',
      bucket: 'acme-state',
      key: 'teams/{stack}/state',
      encrypt: false,
      dynamodbTable: 'locks',
    });
    expect(custom.prod.backend.s3).toEqual({
      bucket: 'acme-state',
      key: 'teams/prod-us-east-1/state',
      encrypt: false,
      dynamodb_table: 'locks',
    });
  });

  test('HCP Terraform: a workspace per stack by default, or by tags; an account entry overrides the default', () => {
    const { prod, analytics } = backendOf(
      { type: 'cloud', organization: 'acme' },
      { backend: { type: 'cloud', organization: 'acme', hostname: 'tfe.acme.io', workspaces: { tags: ['cp'] } } },
    );
    expect(prod.cloud).toEqual({ organization: 'acme', workspaces: { name: 'clickpipes-prod-us-east-1' } });
    expect(prod.backend).toBeUndefined();
    expect(analytics.cloud).toEqual({ organization: 'acme', hostname: 'tfe.acme.io', workspaces: { tags: ['cp'] } });
  });
});

test('HCL of an organization parses, with the blocks of the JSON', async () => {
  const config = { ...org(), backend: { type: 's3', bucket: 'acme-state', region: 'us-east-1' } };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-org-'));
  try {
    synthesize(parseConfig(config), { outdir: path.join(dir, 'json'), hcl: false });
    synthesize(parseConfig(config), { outdir: path.join(dir, 'hcl'), hcl: true });
    for (const stack of ['prod-us-east-1', 'analytics']) {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'json', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      const hcl = (await parseHcl(
        'cdk.tf',
        fs.readFileSync(path.join(dir, 'hcl', 'stacks', stack, 'cdk.tf'), 'utf8'),
      )) as Json;
      expect(addresses(hcl.data)).toEqual(addresses(json.data));
      expect(addresses(hcl.resource)).toEqual(addresses(json.resource));
      expect(hcl.terraform[0].backend.s3[0]).toMatchObject({
        bucket: 'acme-state',
        key: `clickpipes/${stack}.tfstate`,
      });
      expect(hcl.provider.aws[0].assume_role).toEqual(
        stack === 'analytics'
          ? undefined
          : [{ role_arn: 'arn:aws:iam::123456789012:role/deployer', session_name: 'clickpipes', external_id: 'ext-1' }],
      );
    }
    const analytics = fs.readFileSync(path.join(dir, 'hcl', 'stacks', 'analytics', 'cdk.tf'), 'utf8');
    expect(analytics).toContain(`data "clickhouse_service" "service_${SERVICE}" {`);
    expect(analytics).toMatch(/clickhouse = \{\s+version = "3\.\d+\.\d+"\s+source = "ClickHouse\/clickhouse"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the stack of one region of an entry, built directly', () => {
  const config = parseConfig(org());
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-one-')) });
  const stack = new ClickPipesAccountStack(app, { account: config.accounts[0], defaults: config, region: 'eu-west-1' });
  expect(stack.node.id).toBe('prod-eu-west-1');
  expect(() => new ClickPipesAccountStack(app, { account: config.accounts[0], defaults: config })).toThrow(
    /prod: region: missing; expected one of the entry's regions, "us-east-1", "eu-west-1"/,
  );
  fs.rmSync(app.outdir, { recursive: true, force: true });
});

// One row per refused input: [what, change to org(), path, expected text].
const rows: [string, (c: Json) => void, string, RegExp][] = [
  [
    'an unknown backend kind',
    (c) => (c.backend = { type: 'consul', path: 'x' }),
    'backend.type',
    /"consul" is not a backend type; expected one of "local", "s3", "cloud"/,
  ],
  [
    'an S3 backend without its bucket',
    (c) => (c.backend = { type: 's3', region: 'us-east-1' }),
    'backend.bucket',
    /missing; expected a string/,
  ],
  [
    'an S3 key that several stacks would share',
    (c) => (c.backend = { type: 's3', bucket: 'acme-state', key: 'clickpipes.tfstate' }),
    'backend.key',
    /stacks "prod-us-east-1" and "prod-eu-west-1" would share one state \(s3:\/\/acme-state\/clickpipes\.tfstate\); put \{stack\} in it/,
  ],
  [
    'a state role that is not a role',
    (c) => (c.backend = { type: 's3', bucket: 'acme-state', assumeRoleArn: 'arn:aws:iam::123456789012:user/x' }),
    'backend.assumeRoleArn',
    /is not an IAM role ARN; expected the role Terraform assumes for the state bucket/,
  ],
  [
    'a KMS key with encryption off',
    (c) =>
      (c.backend = {
        type: 's3',
        bucket: 'acme-state',
        encrypt: false,
        kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      }),
    'backend.kmsKeyId',
    /needs encrypt/,
  ],
  [
    'a KMS key that is not an ARN',
    (c) => (c.backend = { type: 's3', bucket: 'acme-state', kmsKeyId: 'my-key' }),
    'backend.kmsKeyId',
    /is not a KMS key ARN/,
  ],
  [
    'an absolute local state path',
    (c) => (c.backend = { type: 'local', path: '/var/state/{stack}.tfstate' }),
    'backend.path',
    /is not a relative path/,
  ],
  [
    'a cloud backend without organization',
    (c) => (c.accounts[1].backend = { type: 'cloud' }),
    'accounts[1].backend.organization',
    /missing; expected a string/,
  ],
  [
    'a cloud workspace name that several stacks would share',
    (c) => (c.accounts[0].backend = { type: 'cloud', organization: 'acme', workspaces: { name: 'clickpipes' } }),
    'accounts[0].backend.workspaces',
    /stacks "prod-us-east-1" and "prod-eu-west-1" would share one state \(workspace clickpipes of acme on app\.terraform\.io\)/,
  ],
  [
    'cloud workspaces by name and tags at once',
    (c) => (c.backend = { type: 'cloud', organization: 'acme', workspaces: { name: 'a-{stack}', tags: ['x'] } }),
    'backend.workspaces',
    /give exactly one of name .* and tags/,
  ],
  [
    'an assume-role ARN that is not a role',
    (c) => (c.accounts[0].assumeRoleArn = 'arn:aws:iam::123456789012:user/deployer'),
    'accounts[0].assumeRoleArn',
    /is not an IAM role ARN; expected the role Terraform assumes in this account, like "arn:aws:iam::123456789012:role\/terraform-deployer"/,
  ],
  [
    "an assume-role ARN in another account than the entry's",
    (c) => (c.accounts[0].assumeRoleArn = 'arn:aws:iam::999999999999:role/deployer'),
    'accounts[0].assumeRoleArn',
    /is a role in account 999999999999, but the account entry is for account 123456789012/,
  ],
  [
    'a session name without a role',
    (c) => delete c.accounts[0].assumeRoleArn,
    'accounts[0].assumeRoleSessionName',
    /needs assumeRoleArn/,
  ],
  [
    'a session name with a space',
    (c) => (c.accounts[0].assumeRoleSessionName = 'click pipes'),
    'accounts[0].assumeRoleSessionName',
    /is not a valid role session name/,
  ],
  [
    'region and regions in one entry',
    (c) => (c.accounts[0].region = 'us-east-1'),
    'accounts[0].regions',
    /give either region and sources \(one stack\) or regions \(a stack per region\), not both/,
  ],
  [
    'neither region nor regions',
    (c) => delete c.accounts[1].region,
    'accounts[1].region',
    /missing; expected a string \(or give regions\)/,
  ],
  [
    'a stack name that clashes after region expansion',
    (c) => (c.accounts[1].name = 'prod-eu-west-1'),
    'accounts[1].name',
    /"prod-eu-west-1" is already the name of accounts\[0\]\.regions\[1\]'s stack/,
  ],
  [
    'the same role name in two regions of one account',
    (c) => (c.accounts[0].regions[1].sources[0].roleName = 'ClickHouseAccessRole-orders'),
    'accounts[0].regions[1].sources[0].roleName',
    /role name "ClickHouseAccessRole-orders" is already used by accounts\[0\]\.regions\[0\]\.sources\[0\] in account 123456789012; IAM role names are unique per account, across regions/,
  ],
  [
    'the ClickHouse role given two ways at one level',
    (c) => (c.accounts[1].clickHouseIamRoleArn = CLICKHOUSE_ROLE),
    'accounts[1].clickHouseService',
    /give the ClickHouse role one way: clickHouseIamRoleArn or clickHouseService, not both/,
  ],
  [
    'a ClickHouse service ID that is not a UUID',
    (c) => (c.accounts[1].clickHouseService = { id: 'my-service' }),
    'accounts[1].clickHouseService.id',
    /is not a ClickHouse Cloud service ID/,
  ],
  [
    'a source without a ClickHouse role',
    (c) => {
      delete c.clickHouseIamRoleArn;
      c.accounts[0].regions[0].sources[0].clickHouseIamRoleArn = CLICKHOUSE_ROLE;
    },
    'accounts[0].regions[0].sources[1]',
    /no ClickHouse role to trust; set clickHouseIamRoleArn \(or clickHouseService\) on the source, its account entry or the top level/,
  ],
  [
    'an inherited DB user that an engine refuses',
    (c) => (c.accounts[1].dbUser = 'rdsadmin'),
    'accounts[1].dbUser',
    /"rdsadmin" starts with "rds".* \(the default of accounts\[1\]\.sources\[0\], RDS for MySQL\)/,
  ],
  [
    'a tag key AWS reserves',
    (c) => (c.tags = { 'aws:owner': 'x' }),
    'tags["aws:owner"]',
    /starts with "aws:", which AWS reserves/,
  ],
  [
    'too many tags on a source',
    (c) => (c.tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, 'x']))),
    'accounts[0].regions[0].sources[1].tags',
    /54 tags with the provider's default tags and the clickpipes-source tag; AWS allows at most 50/,
  ],
];

test.each(rows)('refused: %s', (_what, change, where, expected) => {
  const config = org();
  change(config);
  const problems = problemsOf(config);
  const line = problems.find((p) => p.startsWith(`org.json: ${where}: `));
  if (!line) throw new Error(`no problem reported at ${where}; got:\n${problems.join('\n')}`);
  expect(line).toMatch(expected);
});

test('the organization config itself has no problems', () => {
  expect(problemsOf(org())).toEqual([]);
});

describe('config files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-files-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const load = (env: Record<string, string> = {}) => loadConfig(env, dir);
  const errorOf = (env: Record<string, string> = {}) => {
    try {
      load(env);
    } catch (e) {
      if (ClickPipesInputError.isInputError(e)) return e.message;
      throw e;
    }
    throw new Error('no error');
  };

  test('clickpipes.config.yaml is read as YAML, and the YAML example is the JSON it says', () => {
    fs.copyFileSync(
      path.join(__dirname, '..', 'examples', 'clickpipes.config.yaml'),
      path.join(dir, 'clickpipes.config.yaml'),
    );
    const { config, origin } = load();
    expect(origin).toBe('clickpipes.config.yaml');
    expect(configStacks(config).map((s) => s.name)).toEqual(['prod-us-east-1', 'prod-eu-west-1', 'analytics']);
    expect(config.accounts[0].accountId).toBe('123456789012');
  });

  test('a YAML syntax error names the file, line and column', () => {
    fs.writeFileSync(path.join(dir, 'team.yml'), 'accounts:\n  - name: prod\n    region: [us-east-1\n');
    expect(errorOf({ CLICKPIPES_CONFIG: 'team.yml' })).toMatch(/^team\.yml:4:1: not valid YAML: /);
  });

  test('a JSON syntax error names the file, line and column', () => {
    fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), '{\n  "accounts": [\n    { "name": "a", }\n  ]\n}\n');
    expect(errorOf()).toBe('clickpipes.config.json:3:20: not valid JSON: Expected double-quoted property name');
    // Node 20 gives no position for this one: found by bisection.
    fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), '{\n  "accounts": [1,\n  ]\n}\n');
    expect(errorOf()).toBe("clickpipes.config.json:3:3: not valid JSON: Unexpected token ']'");
  });

  test('an unquoted account ID in YAML is a number, refused with its path', () => {
    fs.writeFileSync(
      path.join(dir, 'clickpipes.config.yaml'),
      `clickHouseIamRoleArn: ${CLICKHOUSE_ROLE}\naccounts:\n  - { name: a, accountId: 123456789012, region: us-east-1, sources: [{ name: s, type: s3, buckets: [acme-b] }] }\n`,
    );
    expect(errorOf()).toMatch(
      /^clickpipes\.config\.yaml: accounts\[0\]\.accountId: expected a string, got number 123456789012/,
    );
  });

  test('a JSON and a YAML config side by side are refused', () => {
    fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), '{}');
    fs.writeFileSync(path.join(dir, 'clickpipes.config.yaml'), '{}');
    expect(errorOf()).toMatch(
      /^clickpipes\.config\.json and clickpipes\.config\.yaml are both in .*; keep one, or name one with CLICKPIPES_CONFIG$/,
    );
  });
});

test('unwrapInterpolations: attributes of blocks only, as terraform fmt', () => {
  // [line, what terraform fmt makes of it]
  const lines: [string, string?][] = [
    ['resource "a" "b" {'],
    ['x = "${aws_iam_role.r.arn}"', 'x = aws_iam_role.r.arn'],
    ['y = "arn:${aws_iam_role.r.arn}"'],
    ['tags = {'],
    ['k = "${aws_iam_role.r.name}"'],
    ['}'],
    ['list = ['],
    ['"${aws_iam_role.r.arn}"'],
    [']'],
    ['nested {'],
    ['z = "${data.d.e.json}"', 'z = data.d.e.json'],
    ['}'],
    ['}'],
  ];
  expect(unwrapInterpolations(lines.map(([line]) => line).join('\n')).split('\n')).toEqual(
    lines.map(([line, formatted]) => formatted ?? line),
  );
});
