/**
 * IAM limits that Terraform's plan does not check and `apply` runs into (issue 11): a role's
 * inline policies together hold at most 10,240 characters without white space, and an account
 * holds 1,000 roles unless its quota was raised.
 *
 * The size the app computes is checked against what Terraform renders: the policy documents of
 * the largest grant that fits and of one item more go through an offline `terraform plan` with
 * the real AWS provider (verify/terraform.ts), and the JSON it produces, less its white space, is
 * measured. The largest grant that fits also passes the IAM catalog check.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { ClickPipesKinesisAccess, ClickPipesMskAccess, ClickPipesS3Access, parseConfig, synthesize } from '../lib';
import { kinesisReadStatements } from '../lib/constructs/kinesis-access';
import { mskReadStatements } from '../lib/constructs/msk-access';
import { s3ReadStatements } from '../lib/constructs/s3-access';
import { ROLE_POLICY_SIZE, StatementShape, policySize } from '../lib/rules/iam-limits';
import { CLICKHOUSE_ROLE, inputProblems, synthStack, tempFolders } from './helpers';
import { expectCatalogValid } from './verify/catalog';
import { TerraformRoot, terraformAvailability } from './verify/terraform';

const temp = tempFolders('cpa-iam-limits-');
const ACCOUNT = '123456789012';
const CLUSTER = `arn:aws:kafka:us-east-1:${ACCOUNT}:cluster/orders/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5`;
const streams = (n: number) => Array.from({ length: n }, (_, i) => `clickstream-events-${String(i).padStart(3, '0')}`);
const buckets = (n: number) => Array.from({ length: n }, (_, i) => `acme-data-lake-${i}`);
const topics = (n: number) => Array.from({ length: n }, (_, i) => `orders.events.v${i}`);

/** One account in us-east-1 with `sources`. */
const config = (sources: unknown[], extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  clickHouseIamRoleArn: CLICKHOUSE_ROLE,
  ...top,
  accounts: [{ name: 'prod', accountId: ACCOUNT, region: 'us-east-1', sources, ...extra }],
});
const problemsOf = (raw: unknown) => inputProblems(() => parseConfig(raw, 'c.json'));

/** The statements of each source type for n items, as the constructs build them in us-east-1. */
const GRANTS = {
  kinesis: {
    items: streams,
    statements: (n: number) =>
      kinesisReadStatements(streams(n).map((s) => `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/${s}`)),
    source: (n: number) => ({ name: 'events', type: 'kinesis', streams: streams(n) }),
    field: 'streams',
  },
  s3: {
    items: buckets,
    statements: (n: number) =>
      s3ReadStatements(
        buckets(n).map((b) => `arn:aws:s3:::${b}`),
        'exports/',
        undefined,
      ),
    source: (n: number) => ({ name: 'lake', type: 's3', buckets: buckets(n), prefix: 'exports/' }),
    field: 'buckets',
  },
  msk: {
    items: topics,
    statements: (n: number) =>
      mskReadStatements(
        CLUSTER,
        topics(n).map((t) => `${CLUSTER.replace(':cluster/', ':topic/')}/${t}`),
        [`${CLUSTER.replace(':cluster/', ':group/')}/*`],
      ),
    source: (n: number) => ({ name: 'kafka', type: 'msk', clusterArn: CLUSTER, topics: topics(n) }),
    field: 'topics',
  },
} as const;
type Kind = keyof typeof GRANTS;
const KINDS = Object.keys(GRANTS) as Kind[];

/** The most items of a source type that the config accepts. */
function largestAccepted(kind: Kind): number {
  const accepted = (n: number) => problemsOf(config([GRANTS[kind].source(n)])).length === 0;
  let good = 1;
  let bad = 1000;
  if (!accepted(good) || accepted(bad)) throw new Error(`${kind}: expected 1 item accepted and 1,000 refused`);
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (accepted(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

const fits = {} as Record<Kind, number>;
beforeAll(() => KINDS.forEach((k) => (fits[k] = largestAccepted(k))));

describe.each(KINDS)('%s: a grant too big for the role', (kind) => {
  const g = GRANTS[kind];
  test('the largest accepted grant is within 10,240 characters, one item more is over, as computed', () => {
    expect(policySize(g.statements(fits[kind]) as StatementShape[])).toBeLessThanOrEqual(ROLE_POLICY_SIZE);
    expect(policySize(g.statements(fits[kind] + 1) as StatementShape[])).toBeGreaterThan(ROLE_POLICY_SIZE);
  });

  test('one item more: refused at the list field, with the size, the limit and how many fit', () => {
    const n = fits[kind] + 1;
    const size = policySize(g.statements(n) as StatementShape[]).toLocaleString('en-US');
    expect(problemsOf(config([g.source(n)]))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^c\\.json: accounts\\[0\\]\\.sources\\[0\\]\\.${g.field}: ${n} ${g.field} make the role's inline policy ${size} characters \\(white space not counted\\); IAM allows 10,240 .* at most ${fits[kind]} of these fit; .*split them over several sources`,
        ),
      ),
    ]);
  });

  test('the largest accepted grant synthesizes and passes the IAM catalog check', async () => {
    const out = temp();
    synthesize(parseConfig(config([g.source(fits[kind])])), { outdir: out });
    await expectCatalogValid(fs.readFileSync(path.join(out, 'stacks', 'prod', 'cdk.tf.json'), 'utf8'));
  });
});

test("the issue's sizes: 80 Kinesis streams, 200 buckets, 500 MSK topics are refused, naming the field", () => {
  for (const [kind, n] of [
    ['kinesis', 80],
    ['s3', 200],
    ['msk', 500],
  ] as const) {
    const problems = problemsOf(config([GRANTS[kind].source(n)]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`sources\\[0\\]\\.${GRANTS[kind].field}: ${n} ${GRANTS[kind].field} make`));
  }
  expect(problemsOf(config([GRANTS.msk.source(500)]))[0]).toMatch(/name them with patterns/);
});

test('the constructs refuse the same, before building anything, naming the field', () => {
  const over = (kind: Kind) => fits[kind] + 1;
  const kinesis = inputProblems(() =>
    synthStack((s) => {
      new ClickPipesKinesisAccess(s, 'events', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        accountId: ACCOUNT,
        region: 'us-east-1',
        streams: streams(over('kinesis')),
      });
    }),
  );
  expect(kinesis).toEqual([expect.stringMatching(/^\S*events\.streams: \d+ streams make the role's inline policy/)]);
  const s3 = inputProblems(() =>
    synthStack((s) => {
      new ClickPipesS3Access(s, 'lake', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        region: 'us-east-1',
        buckets: buckets(over('s3')),
        prefix: 'exports/',
      });
    }),
  );
  expect(s3).toEqual([expect.stringMatching(/lake\.buckets: \d+ buckets make/)]);
  const msk = inputProblems(() =>
    synthStack((s) => {
      new ClickPipesMskAccess(s, 'kafka', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        clusterArn: CLUSTER,
        topics: topics(over('msk')),
      });
    }),
  );
  expect(msk).toEqual([expect.stringMatching(/kafka\.topics: \d+ topics make/)]);
  // Without a literal region and account, the construct sizes the longest a look-up can return:
  // it refuses no later than with the literal values.
  const unknownPlace = inputProblems(() =>
    synthStack((s) => {
      new ClickPipesKinesisAccess(s, 'events', {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        streams: streams(fits.kinesis),
      });
    }),
  );
  expect(unknownPlace).toEqual([expect.stringMatching(/events\.streams: \d+ streams make/)]);
});

test("a policy a subclass adds on top counts towards the role's total, and is refused past it", () => {
  class WithKeys extends ClickPipesKinesisAccess {
    constructor(scope: Construct, id: string, keys: number) {
      super(scope, id, {
        clickHouseIamRoleArn: CLICKHOUSE_ROLE,
        accountId: ACCOUNT,
        region: 'us-east-1',
        streams: streams(fits.kinesis - 2),
      });
      this.addInlinePolicy('kms_decrypt', 'kms-decrypt', [
        {
          effect: 'Allow',
          actions: ['kms:Decrypt'],
          resources: Array.from(
            { length: keys },
            (_, i) => `arn:aws:kms:us-east-1:${ACCOUNT}:key/${String(i).padStart(36, '0')}`,
          ),
        },
      ]);
    }
  }
  expect(inputProblems(() => synthStack((s) => new WithKeys(s, 'events', 1)))).toEqual([]);
  expect(inputProblems(() => synthStack((s) => new WithKeys(s, 'events', 20)))).toEqual([
    expect.stringMatching(
      /events\.kms_decrypt: the role's inline policies come to 1\d,\d{3} characters \(white space not counted\) with this one; IAM allows 10,240/,
    ),
  ]);
});

describe('roles per account', () => {
  const many = (n: number, prefix = 'k') =>
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, type: 'kinesis', streams: ['s'] }));

  test('1,000 roles in an account are accepted, 1,001 refused with the quota and how to state a raised one', () => {
    expect(problemsOf(config(many(1000)))).toEqual([]);
    expect(problemsOf(config(many(1001)))).toEqual([
      'c.json: accounts[0]: 1,001 IAM roles in account 123456789012, one per source; the default IAM quota "Roles per account" is 1,000 (the account\'s other roles count too): request an increase in Service Quotas (IAM, L-FE177D64) and state it as iamQuotas.rolesPerAccount, or spread the sources over accounts',
    ]);
  });

  test('a raised quota, on the account entry or at the top level, is honoured and checked', () => {
    expect(problemsOf(config(many(1001), { iamQuotas: { rolesPerAccount: 2000 } }))).toEqual([]);
    expect(problemsOf(config(many(1001), {}, { iamQuotas: { rolesPerAccount: 2000 } }))).toEqual([]);
    expect(problemsOf(config(many(1001), {}, { iamQuotas: { rolesPerAccount: 1000 } }))).toEqual([
      expect.stringMatching(
        /^c\.json: iamQuotas\.rolesPerAccount: 1,001 IAM roles in account 123456789012, one per source, over the stated quota "Roles per account" of 1,000/,
      ),
    ]);
    expect(problemsOf(config(many(3), { iamQuotas: { rolesPerAccount: 0 } }))).toEqual([
      expect.stringMatching(
        /^c\.json: accounts\[0\]\.iamQuotas\.rolesPerAccount: 0 is out of range; expected at least 1$/,
      ),
    ]);
  });

  test('roles are counted per account ID, across entries and regions', () => {
    const raw = {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      accounts: [
        { name: 'east', accountId: ACCOUNT, region: 'us-east-1', sources: many(600, 'e') },
        { name: 'west', accountId: ACCOUNT, regions: [{ region: 'us-west-2', sources: many(401, 'w') }] },
        { name: 'other', accountId: '210987654321', region: 'us-east-1', sources: many(999, 'o') },
      ],
    };
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^c\.json: accounts\[0\]: 1,001 IAM roles in account 123456789012/),
    ]);
  });
});

const tf = terraformAvailability();
(tf.ok ? describe : describe.skip)('the sizes, against what Terraform renders', () => {
  let rendered: Record<string, string>;

  beforeAll(async () => {
    if (!tf.ok) return;
    const dir = temp();
    const app = new App({ outdir: path.join(dir, 'synth') });
    const stack = new TerraformStack(app, 'sizes');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    for (const kind of KINDS) {
      for (const n of [fits[kind], fits[kind] + 1]) {
        const doc = new DataAwsIamPolicyDocument(stack, `${kind}_${n}`, { statement: GRANTS[kind].statements(n) });
        new TerraformOutput(stack, `out_${kind}_${n}`, { value: doc.json });
      }
    }
    app.synth();
    const root = new TerraformRoot(path.join(dir, 'plan'), tf);
    root.addStack('sizes', path.join(dir, 'synth', 'stacks', 'sizes'));
    await root.init();
    const planned = await root.run([
      'plan',
      '-refresh=false',
      '-lock=false',
      '-input=false',
      '-no-color',
      '-out=plan.bin',
    ]);
    if (planned.status !== 0) throw new Error(`terraform plan failed:\n${planned.stdout}\n${planned.stderr}`);
    const shown = await root.run(['show', '-json', 'plan.bin']);
    type Module = { resources?: { mode: string; name: string; values: { json?: string } }[]; child_modules?: Module[] };
    const prior = JSON.parse(shown.stdout) as { prior_state: { values: { root_module: Module } } };
    rendered = {};
    const visit = (m: Module) => {
      for (const r of m.resources ?? []) if (r.mode === 'data' && r.values.json) rendered[r.name] = r.values.json;
      (m.child_modules ?? []).forEach(visit);
    };
    visit(prior.prior_state.values.root_module);
  }, 180_000);

  test.each(KINDS)('%s: the computed size is the rendered JSON without white space', (kind) => {
    for (const n of [fits[kind], fits[kind] + 1]) {
      const json = rendered[`${kind}_${n}`];
      expect(json).toBeDefined();
      const measured = json.replace(/\s/g, '').length;
      expect(policySize(GRANTS[kind].statements(n) as StatementShape[])).toBe(measured);
      if (n === fits[kind]) expect(measured).toBeLessThanOrEqual(ROLE_POLICY_SIZE);
      else expect(measured).toBeGreaterThan(ROLE_POLICY_SIZE);
    }
  });
});
