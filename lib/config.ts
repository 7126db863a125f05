import { z } from 'zod';
import { ENGINES, PIPE_MODES, RDS_ENGINES } from './engines';
import { ClickPipesInputError, FieldProblem } from './errors';
import { managedDatabaseProblems } from './managed-database';
import { DEFAULT_DB_USER, RdsDatabaseForm, rdsAccessProblems } from './rds-iam-access';
import {
  accountIdProblem,
  clickHouseIamRoleArnProblem,
  dbIdentifierProblem,
  defaultRoleName,
  partitionMismatchProblem,
  regionProblem,
  roleNameProblem,
  sourceNameProblem,
  stackNameProblem,
} from './validation';

/** A string checked by one of the rules of `validation.ts`; `pattern` goes into the JSON Schema for editors. */
function checked(rule: (v: string) => string | undefined, description: string, pattern?: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = rule(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta(pattern ? { description, pattern } : { description });
}

const clickHouseIamRoleArn = checked(
  clickHouseIamRoleArnProblem,
  'The ClickHouse service\'s IAM role ARN: "Service role ID (IAM)" in the ClickHouse Cloud console (service Settings, Network security information).',
  '^arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/',
);

const managedDatabase = z
  .strictObject({
    identifier: checked(
      dbIdentifierProblem,
      'DB instance or cluster identifier. Default: the source name in lower case.',
      '^[a-z][a-z0-9-]*$',
    ).optional(),
    engineVersion: z
      .string()
      .optional()
      .meta({ description: 'Engine version. Default: a current version of the engine.' }),
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: 'expected an RDS instance class like "db.t4g.micro"' })
      .optional(),
    allocatedStorage: z
      .int()
      .min(20)
      .max(65536)
      .optional()
      .meta({ description: 'GiB, RDS engines only. Default: 20.' }),
    dbName: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,62}$/, {
        error: 'expected 1 to 63 letters, digits and _, starting with a letter',
      })
      .optional(),
    masterUsername: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, {
        error: 'expected 1 to 16 letters, digits and _, starting with a letter',
      })
      .optional(),
    dbSubnetGroupName: z.string().min(1).optional(),
    vpcSecurityGroupIds: z
      .array(
        z.string().regex(/^sg-[0-9a-f]{8,17}$/, { error: 'expected a security group ID like "sg-0123456789abcdef0"' }),
      )
      .optional(),
    backupRetentionPeriod: z.int().min(0).max(35).optional(),
    deletionProtection: z.boolean().optional(),
  })
  .meta({
    description:
      'Create the database in this stack, with IAM authentication on (and CDC parameters for pipeMode "cdc").',
  });

const rdsSource = z
  .strictObject({
    name: checked(
      sourceNameProblem,
      'Names the Terraform resources and outputs, and the default role name.',
      '^[A-Za-z][A-Za-z0-9-]*$',
    ),
    type: z.enum(RDS_ENGINES),
    dbInstanceIdentifier: checked(dbIdentifierProblem, 'An existing DB instance (RDS engines).').optional(),
    dbClusterIdentifier: checked(dbIdentifierProblem, 'An existing Aurora cluster (Aurora engines).').optional(),
    resourceId: z.string().optional().meta({
      description: 'Resource ID of an existing database: db-… (RDS) or cluster-… (Aurora).',
      pattern: '^(db|cluster)-[A-Z0-9]+$',
    }),
    create: managedDatabase.optional(),
    dbUser: z
      .string()
      .optional()
      .meta({ description: `Database user ClickPipes logs in as. Default: ${DEFAULT_DB_USER}.` }),
    pipeMode: z.enum(PIPE_MODES).optional().meta({ description: 'Default: initial-load.' }),
    iamAuthForReplication: z.boolean().optional().meta({
      description:
        'PostgreSQL CDC on an existing database: states that rds.iam_auth_for_replication = 1 and rds.logical_replication = 1 are set.',
    }),
    engineVersion: z
      .string()
      .optional()
      .meta({ description: 'Engine version of an existing database (checks that CDC is possible).' }),
    roleName: checked(roleNameProblem, `IAM role name. Default: ${defaultRoleName('<name>')}.`).optional(),
  })
  .superRefine((source, ctx) => {
    const kind = ENGINES[source.type].kind;
    const forms: RdsDatabaseForm[] = [];
    if (source.dbInstanceIdentifier !== undefined) forms.push('dbInstanceIdentifier');
    if (source.dbClusterIdentifier !== undefined) forms.push('dbClusterIdentifier');
    if (source.resourceId !== undefined) forms.push('resourceId');
    if (source.create !== undefined) forms.push(kind);
    const configField = (field: string): (string | number)[] => {
      if (field === 'database') return [];
      if (field === 'instance' || field === 'cluster') return ['create'];
      if (field === 'engineVersion' && source.create) return ['create', 'engineVersion'];
      return [field];
    };
    const report = ([field, problem]: FieldProblem) =>
      ctx.addIssue({ code: 'custom', message: problem, path: configField(field) });
    if (source.create && source.engineVersion !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['engineVersion'],
        message: 'goes inside "create" for a database this stack creates: move it to create.engineVersion',
      });
      return;
    }
    if (source.create) {
      for (const [field, problem] of managedDatabaseProblems(source.name, source.type, source.create)) {
        ctx.addIssue({ code: 'custom', message: problem, path: ['create', field] });
      }
    }
    if (source.create?.allocatedStorage !== undefined && kind === 'cluster') {
      ctx.addIssue({
        code: 'custom',
        message: 'Aurora storage grows by itself: remove allocatedStorage',
        path: ['create', 'allocatedStorage'],
      });
    }
    rdsAccessProblems({
      engine: source.type,
      forms,
      resourceId: source.resourceId,
      dbUser: source.dbUser ?? DEFAULT_DB_USER,
      pipeMode: source.pipeMode ?? 'initial-load',
      iamAuthForReplication: source.iamAuthForReplication,
      engineVersion: source.create
        ? (source.create.engineVersion ?? ENGINES[source.type].defaultVersion)
        : source.engineVersion,
      managedParameters: source.create !== undefined,
      formNames: { instance: 'create', cluster: 'create' },
    }).forEach(report);
  });

const account = z.strictObject({
  name: checked(
    stackNameProblem,
    'Stack name: the synthesized stack is cdktf.out/stacks/<name>.',
    '^[A-Za-z][A-Za-z0-9_-]*$',
  ),
  accountId: checked(accountIdProblem, '12-digit AWS account ID.', '^\\d{12}$'),
  region: checked(regionProblem, 'AWS region of the databases, e.g. us-east-1.', '^[a-z]{2}(-gov)?-[a-z]+-\\d{1,2}$'),
  sources: z.array(rdsSource).min(1, { error: 'list at least one source' }),
});

/** The config schema of the app: `clickpipes.config.json`. */
export const configSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors.' }),
    clickHouseIamRoleArn,
    accounts: z.array(account).min(1, { error: 'list at least one account' }),
  })
  .superRefine((config, ctx) => {
    const stackNames = new Map<string, number>();
    const roleNames = new Map<string, string>();
    config.accounts.forEach((acct, a) => {
      const other = stackNames.get(acct.name.toLowerCase());
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', a, 'name'],
          message: `"${acct.name}" is already the name of accounts[${other}]; account names name stacks and must be unique (ignoring case)`,
        });
      }
      stackNames.set(acct.name.toLowerCase(), a);
      const mismatch = partitionMismatchProblem(config.clickHouseIamRoleArn, acct.region);
      if (mismatch) ctx.addIssue({ code: 'custom', path: ['accounts', a, 'region'], message: mismatch });
      const sourceNames = new Map<string, number>();
      acct.sources.forEach((source, s) => {
        const seen = sourceNames.get(source.name.toLowerCase());
        if (seen !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', a, 'sources', s, 'name'],
            message: `"${source.name}" is already the name of accounts[${a}].sources[${seen}]; source names must be unique within an account entry (ignoring case)`,
          });
        }
        sourceNames.set(source.name.toLowerCase(), s);
        const roleName = source.roleName ?? defaultRoleName(source.name);
        const key = `${acct.accountId}/${roleName.toLowerCase()}`;
        const first = roleNames.get(key);
        if (first !== undefined && seen === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', a, 'sources', s, source.roleName ? 'roleName' : 'name'],
            message: `role name "${roleName}" is already used by ${first} in account ${acct.accountId}; IAM role names are unique per account (ignoring case): set a different roleName`,
          });
        }
        if (first === undefined) roleNames.set(key, `accounts[${a}].sources[${s}]`);
      });
    });
  });

/** A parsed, checked config. */
export type ClickPipesConfig = z.infer<typeof configSchema>;
export type AccountConfig = ClickPipesConfig['accounts'][number];
export type RdsSourceConfig = AccountConfig['sources'][number];

/**
 * `accounts[0].sources[1].resourceId` from a zod path. A key that is not a plain name (an empty
 * one, one with a space or a dot) is written quoted, `sources[0]["a b"]`, so that the path stays
 * unambiguous.
 */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `${text}[${JSON.stringify(name)}]`;
    return text ? `${text}.${name}` : name;
  }, '');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    input,
  );
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** One line for one zod issue: the config path, what was wrong and what is expected. */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const where = pathText(issue.path) || '(top level)';
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      return issue.keys
        .map(
          (k) =>
            `${pathText([...issue.path, k])}: unknown field; check its spelling against the schema (schema/clickpipes.config.schema.json)`,
        )
        .join('\n');
    }
    case 'invalid_value':
      return `${where}: ${JSON.stringify(value)} is not allowed; expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      return value === undefined
        ? `${where}: missing; expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`
        : `${where}: expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}, got ${typeName(value)} ${JSON.stringify(value)}`;
    case 'too_small':
      return issue.origin === 'number'
        ? `${where}: ${JSON.stringify(value)} is out of range; expected at least ${issue.minimum}`
        : `${where}: ${issue.message}`;
    case 'too_big':
      return issue.origin === 'number'
        ? `${where}: ${JSON.stringify(value)} is out of range; expected at most ${issue.maximum}`
        : `${where}: ${issue.message}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/**
 * Parses and checks a config. Every problem is reported at once, each with its config path
 * (`accounts[0].sources[1].resourceId`), what was wrong and what is expected.
 *
 * @param origin where the config came from, for messages (a file name)
 * @throws ClickPipesInputError
 */
export function parseConfig(input: unknown, origin = 'config'): ClickPipesConfig {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue, input).split('\n'));
  throw new ClickPipesInputError(lines.map((line) => `${origin}: ${line}`));
}

/** The JSON Schema of the config, for editors (published as schema/clickpipes.config.schema.json). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    title: 'cdktf-clickpipes-aws config',
    description:
      'ClickPipes secure access on AWS: the ClickHouse service role to trust, and per AWS account the region and the RDS/Aurora sources. Generated from lib/config.ts by `npm run schema`.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
