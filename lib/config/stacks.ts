/**
 * From a config to its stacks: the expansion of account entries (one stack, or one per region),
 * the values each source inherits (ClickHouse role, DB user, tags), the backend of each stack,
 * and the rules that span entries (unique stack names, IAM role names per account, state
 * locations, partitions).
 */
import * as path from 'path';
import type {
  AccountConfig,
  BackendConfig,
  ClickPipesConfig,
  ConfigDefaults,
  RegionConfig,
  SourceConfig,
} from './config';
import { ENGINES, RdsEngine, engineVersionProblem } from '../rules/engines';
import { iamAuthSupportProblem } from '../rules/support';
import { DEFAULT_DB_USER } from '../constructs/rds-iam-access';
import { kinesisPolicySizeProblem, kinesisStreamArn } from '../constructs/kinesis-access';
import { mskPolicySizeProblem } from '../constructs/msk-access';
import { s3PolicySizeProblem } from '../constructs/s3-access';
import { FieldProblem } from '../errors';
import { DEFAULT_AWS_PROVIDER_VERSION } from '../constructs/aws-provider-version';
import { rolesPerAccountProblem } from '../rules/iam-limits';
import {
  AwsPartition,
  MAX_TAGS,
  arnPartitionProblem,
  dbUserProblem,
  defaultRoleName,
  parseKinesisStreamArn,
  parseMskClusterArn,
  parseSqsQueueArn,
  partitionMismatchProblem,
  partitionOf,
  regionProblem,
  stackNameProblem,
} from '../rules/validation';

/** The tag every resource gets from the provider's default tags. */
export const MANAGED_BY_TAG = { 'managed-by': 'cdktf-clickpipes-aws' } as const;
/** The tag key naming the source on each of a source's resources. */
export const SOURCE_TAG = 'clickpipes-source';

/** The placeholder for the stack name in state keys, paths and workspace names. */
const STACK = '{stack}';
const DEFAULT_LOCAL_PATH = `../../../terraform.${STACK}.tfstate`;
const DEFAULT_S3_KEY = `clickpipes/${STACK}.tfstate`;
const DEFAULT_WORKSPACE = `clickpipes-${STACK}`;

/** A config path, as zod gives it: `['accounts', 0, 'sources', 1]`. */
export type ConfigPath = (string | number)[];

/** The principal a source's role trusts: an ARN, or the IAM role of a ClickHouse service (provider data source). */
export type ClickHouseTrust = { readonly arn: string } | { readonly serviceId: string };

/** One source with what it inherits. */
export interface SourceSpec {
  readonly source: SourceConfig;
  /** Undefined only in a config that did not pass {@link configStackProblems}. */
  readonly trust?: ClickHouseTrust;
  /** The database user of an RDS or Aurora source. */
  readonly dbUser?: string;
  /** Tags of the source's resources: the source's own and {@link SOURCE_TAG}. */
  readonly tags: Readonly<Record<string, string>>;
  readonly path: ConfigPath;
}

/** The state backend of one stack, with `{stack}` filled in. */
export type BackendSpec =
  | { readonly type: 'local'; readonly path: string }
  | (Omit<Extract<BackendConfig, { type: 's3' }>, 'key' | 'encrypt'> & {
      readonly key: string;
      readonly encrypt: boolean;
    })
  | {
      readonly type: 'cloud';
      readonly organization: string;
      readonly hostname?: string;
      readonly workspaces:
        { readonly name: string; readonly project?: string } | { readonly tags: string[]; readonly project?: string };
    };

/** One stack of the config: an account entry, or one region of it. */
export interface StackSpec {
  /** The stack name: the entry's name, or `<name>-<region>` for an entry with `regions`. */
  readonly name: string;
  readonly account: AccountConfig;
  readonly accountId: string;
  readonly region: string;
  readonly sources: readonly SourceSpec[];
  /** The provider's default tags: top-level and account tags, and {@link MANAGED_BY_TAG}. */
  readonly defaultTags: Readonly<Record<string, string>>;
  readonly assumeRole?: { readonly roleArn: string; readonly sessionName?: string; readonly externalId?: string };
  readonly backend: BackendSpec;
  /** Where the backend was given (for messages): `backend` or `accounts[0].backend`, or undefined for the default. */
  readonly backendPath?: ConfigPath;
  /** The config path of the entry that gives the region: `accounts[0]` or `accounts[0].regions[1]`. */
  readonly path: ConfigPath;
  /** The version constraint of `hashicorp/aws`: the entry's, the config's, or {@link DEFAULT_AWS_PROVIDER_VERSION}. */
  readonly awsProviderVersion: string;
}

/** The regions of an account entry, each with its sources and its config path. */
function regionsOf(
  account: AccountConfig,
  path: ConfigPath,
): { entry: RegionConfig; path: ConfigPath; suffix: boolean }[] {
  if (account.regions)
    return account.regions.map((entry, r) => ({ entry, path: [...path, 'regions', r], suffix: true }));
  return [{ entry: { region: account.region ?? '', sources: account.sources ?? [] }, path, suffix: false }];
}

const fill = (text: string, stack: string) => text.split(STACK).join(stack);

function backendSpec(backend: BackendConfig | undefined, stack: string): BackendSpec {
  if (backend === undefined || backend.type === 'local') {
    return { type: 'local', path: fill(backend?.path ?? DEFAULT_LOCAL_PATH, stack) };
  }
  if (backend.type === 's3') {
    return { ...backend, key: fill(backend.key ?? DEFAULT_S3_KEY, stack), encrypt: backend.encrypt ?? true };
  }
  const w = backend.workspaces;
  const project = w?.project === undefined ? {} : { project: w.project };
  return {
    type: 'cloud',
    organization: backend.organization,
    hostname: backend.hostname,
    workspaces: w?.tags
      ? { tags: w.tags, ...project }
      : { name: fill(w?.name ?? DEFAULT_WORKSPACE, stack), ...project },
  };
}

function trustOf(
  ...levels: { clickHouseIamRoleArn?: string; clickHouseService?: { id: string } }[]
): ClickHouseTrust | undefined {
  for (const level of levels) {
    if (level.clickHouseIamRoleArn !== undefined) return { arn: level.clickHouseIamRoleArn };
    if (level.clickHouseService !== undefined) return { serviceId: level.clickHouseService.id };
  }
  return undefined;
}

/**
 * The stacks of one account entry: one, or one per region.
 *
 * @param defaults the top-level fields of the config
 * @param path the entry's config path
 */
export function accountStacks(
  account: AccountConfig,
  defaults: ConfigDefaults = {},
  path: ConfigPath = [],
): StackSpec[] {
  const defaultTags = { ...defaults.tags, ...account.tags, ...MANAGED_BY_TAG };
  const backendPath = account.backend ? [...path, 'backend'] : defaults.backend ? ['backend'] : undefined;
  return regionsOf(account, path).map(({ entry, path: regionPath, suffix }) => {
    const name = suffix ? `${account.name}-${entry.region}` : account.name;
    return {
      name,
      account,
      accountId: account.accountId,
      region: entry.region,
      defaultTags,
      assumeRole: account.assumeRoleArn
        ? {
            roleArn: account.assumeRoleArn,
            sessionName: account.assumeRoleSessionName,
            externalId: account.assumeRoleExternalId,
          }
        : undefined,
      backend: backendSpec(account.backend ?? defaults.backend, name),
      awsProviderVersion: account.awsProviderVersion ?? defaults.awsProviderVersion ?? DEFAULT_AWS_PROVIDER_VERSION,
      backendPath,
      path: regionPath,
      sources: entry.sources.map((source, s) => ({
        source,
        trust: trustOf(source, account, defaults),
        // Parsed configs leave out absent fields: the type tells an RDS source.
        dbUser:
          source.type in ENGINES
            ? ((source as { dbUser?: string }).dbUser ?? account.dbUser ?? defaults.dbUser ?? DEFAULT_DB_USER)
            : undefined,
        tags: { ...source.tags, [SOURCE_TAG]: source.name },
        path: [...regionPath, 'sources', s],
      })),
    };
  });
}

/** Every stack of a config, in config order. */
export function configStacks(config: ClickPipesConfig): StackSpec[] {
  return config.accounts.flatMap((account, a) => accountStacks(account, config, ['accounts', a]));
}

/** The ARNs a source names that carry their own partition, by field. */
function partitionedArns(source: SourceConfig): [field: ConfigPath, arn: string, partition: AwsPartition][] {
  const found: [ConfigPath, string, AwsPartition][] = [];
  const add = (field: ConfigPath, arn: string | undefined, parsed: { partition: AwsPartition } | undefined) => {
    if (arn !== undefined && parsed) found.push([field, arn, parsed.partition]);
  };
  if (source.type === 'kinesis') source.streams.forEach((s, n) => add(['streams', n], s, parseKinesisStreamArn(s)));
  if (source.type === 's3')
    add(['sqsQueueArn'], source.sqsQueueArn, source.sqsQueueArn ? parseSqsQueueArn(source.sqsQueueArn) : undefined);
  if (source.type === 'msk') add(['clusterArn'], source.clusterArn, parseMskClusterArn(source.clusterArn));
  if (source.type === 'kinesis' || source.type === 's3') {
    (source.kmsKeyArns ?? []).forEach((arn, n) => {
      const m = /^arn:(aws|aws-cn|aws-us-gov):kms:/.exec(arn);
      add(['kmsKeyArns', n], arn, m ? { partition: m[1] as AwsPartition } : undefined);
    });
  }
  return found;
}

/** The problem of a source whose grant does not fit its role's inline policies, in the stack's partition, region and account. */
function policySizeProblems(source: SourceConfig, stack: StackSpec): FieldProblem[] {
  const partition = partitionOf(stack.region);
  if (source.type === 'kinesis')
    return kinesisPolicySizeProblem(
      source.streams.map((s) => kinesisStreamArn(s, partition, stack.region, stack.accountId)),
    );
  if (source.type === 's3')
    return s3PolicySizeProblem(
      source.buckets.map((b) => `arn:${partition}:s3:::${b}`),
      source.prefix,
      source.sqsQueueArn,
    );
  if (source.type === 'msk') return mskPolicySizeProblem(source.clusterArn, source.topics, source.consumerGroups);
  return [];
}

const where = (path: ConfigPath) =>
  path.reduce<string>((t, k) => (typeof k === 'number' ? `${t}[${k}]` : t ? `${t}.${k}` : k), '');

/** Where a backend keeps a stack's state, as a key that two stacks must not share. */
function stateLocation(stack: StackSpec): string | undefined {
  const b = stack.backend;
  if (b.type === 'local') return `local ${path.posix.normalize(path.posix.join('stacks', stack.name, b.path))}`;
  if (b.type === 's3') return `s3://${b.bucket}/${b.key}`;
  return 'name' in b.workspaces
    ? `workspace ${b.workspaces.name} of ${b.organization} on ${b.hostname ?? 'app.terraform.io'}`
    : undefined;
}

/** The field of a backend that places the state, for messages. */
const locationField = (b: BackendSpec): string =>
  b.type === 'local' ? 'path' : b.type === 's3' ? 'key' : 'workspaces';

/**
 * The IAM DB authentication problem of an RDS/Aurora source that comes from its stack's Region
 * (the Region-free ones are the source's own, see `rdsAccessProblems`), with the field it concerns.
 */
function regionSupportProblem(source: SourceConfig, region: string): [ConfigPath, string] | undefined {
  if (!(source.type in ENGINES) || regionProblem(region)) return undefined;
  const engine = source.type as RdsEngine;
  const rds = source as { create?: { engineVersion?: string }; engineVersion?: string };
  const given = rds.create ? (rds.create.engineVersion ?? ENGINES[engine].defaultVersion) : rds.engineVersion;
  const version = given !== undefined && !engineVersionProblem(engine, given) ? given : undefined;
  const problem = iamAuthSupportProblem(engine, version, region);
  if (problem === undefined || problem === iamAuthSupportProblem(engine, version)) return undefined;
  const field = version === undefined ? ['type'] : rds.create ? ['create', 'engineVersion'] : ['engineVersion'];
  const defaulted =
    rds.create && rds.create.engineVersion === undefined ? ' (the default version; set create.engineVersion)' : '';
  return [field, `${problem} (region ${region} of the stack)${defaulted}`];
}

/**
 * The problems of a config that span its entries, each with its config path: stack names that
 * clash after region expansion, sources without a ClickHouse role, IAM role names used twice in
 * one account, two stacks with one state, ARNs and regions of different partitions, an inherited
 * database user an engine refuses, too many tags.
 */
export function configStackProblems(config: ClickPipesConfig): [ConfigPath, string][] {
  const problems: [ConfigPath, string][] = [];
  const add = (path: ConfigPath, message: string) => {
    if (!problems.some(([p, m]) => m === message && where(p) === where(path))) problems.push([path, message]);
  };
  const stacks = configStacks(config);
  const anyTrust =
    trustOf(config) !== undefined ||
    config.accounts.some(
      (a) =>
        trustOf(a) || [...(a.sources ?? []), ...(a.regions ?? []).flatMap((r) => r.sources)].some((s) => trustOf(s)),
    );
  const stackNames = new Map<string, StackSpec>();
  const sourceNames = new Map<string, ConfigPath>();
  const roleNames = new Map<string, string>();
  const states = new Map<string, StackSpec>();
  /** Per account ID: the roles the config creates there, and the entry that states its quota. */
  const accountRoles = new Map<string, { roles: number; quota?: number; quotaPath?: ConfigPath; path: ConfigPath }>();
  for (const stack of stacks) {
    // A quota that is not a whole number from 1 is reported by the schema.
    const valid = (q: number | undefined) => (q !== undefined && Number.isInteger(q) && q >= 1 ? q : undefined);
    const own = valid(stack.account.iamQuotas?.rolesPerAccount);
    const quota = own ?? valid(config.iamQuotas?.rolesPerAccount);
    const entry = accountRoles.get(stack.accountId) ?? { roles: 0, path: stack.path.slice(0, 2) };
    entry.roles += stack.sources.length;
    if (quota !== undefined && quota >= (entry.quota ?? 0)) {
      entry.quota = quota;
      entry.quotaPath =
        own === undefined
          ? ['iamQuotas', 'rolesPerAccount']
          : [...stack.path.slice(0, 2), 'iamQuotas', 'rolesPerAccount'];
    }
    accountRoles.set(stack.accountId, entry);
    const nameProblem = stackNameProblem(stack.name);
    const namePath = stack.path.includes('regions') ? [...stack.path, 'region'] : [...stack.path, 'name'];
    if (nameProblem && stack.path.includes('regions')) add(namePath, `the stack name ${nameProblem}`);
    const other = stackNames.get(stack.name.toLowerCase());
    if (other) {
      const named = stack.path.includes('regions')
        ? `the stack name "${stack.name}" (<name>-<region>)`
        : `"${stack.name}"`;
      add(
        namePath,
        `${named} is already the name of ${where(other.path)}'s stack; stack names must be unique (ignoring case)`,
      );
    } else stackNames.set(stack.name.toLowerCase(), stack);

    const location = stateLocation(stack);
    const sharing = location === undefined ? undefined : states.get(location);
    if (sharing) {
      add(
        [...(stack.backendPath ?? [...stack.path, 'backend']), locationField(stack.backend)],
        `stacks "${sharing.name}" and "${stack.name}" would share one state (${location}); put {stack} in it`,
      );
    } else if (location !== undefined) states.set(location, stack);

    const mismatches = new Set<string>();
    for (const spec of stack.sources) {
      const { source } = spec;
      const accountKey = `${where(stack.path.slice(0, 2))}`;
      const sourceKey = `${accountKey}/${source.name.toLowerCase()}`;
      const seen = sourceNames.get(sourceKey);
      if (seen) {
        add(
          [...spec.path, 'name'],
          `"${source.name}" is already the name of ${where(seen)}; source names must be unique within an account entry (ignoring case)`,
        );
      } else sourceNames.set(sourceKey, spec.path);

      if (spec.trust === undefined) {
        if (anyTrust)
          add(
            spec.path,
            'no ClickHouse role to trust; set clickHouseIamRoleArn (or clickHouseService) on the source, its account entry or the top level',
          );
        else
          add(
            ['clickHouseIamRoleArn'],
            "missing; expected the ClickHouse service's IAM role ARN (or clickHouseService), here or on each account entry or source",
          );
      } else if ('arn' in spec.trust && !regionProblem(stack.region)) {
        const mismatch = partitionMismatchProblem(spec.trust.arn, stack.region);
        if (mismatch && !mismatches.has(spec.trust.arn)) {
          mismatches.add(spec.trust.arn);
          add(
            source.clickHouseIamRoleArn ? [...spec.path, 'clickHouseIamRoleArn'] : [...stack.path, 'region'],
            mismatch,
          );
        }
      }

      if (!regionProblem(stack.region)) {
        const arnProblems = partitionedArns(source).flatMap(([field, arn, partition]) => {
          const problem = arnPartitionProblem(arn, partition, partitionOf(stack.region));
          return problem ? [[field, problem] as const] : [];
        });
        for (const [field, problem] of arnProblems) add([...spec.path, ...field], problem);
        if (!arnProblems.length) {
          for (const [field, problem] of policySizeProblems(source, stack)) add([...spec.path, field], problem);
        }
      }

      if (spec.dbUser !== undefined && (source as { dbUser?: string }).dbUser === undefined) {
        const info = ENGINES[source.type as keyof typeof ENGINES];
        const problem = dbUserProblem(spec.dbUser, info.dialect, info.maxUserLength);
        const from = stack.account.dbUser !== undefined ? [...stack.path.slice(0, 2), 'dbUser'] : ['dbUser'];
        if (problem) add(from, `${problem} (the default of ${where(spec.path)}, ${info.label})`);
      }

      const support = regionSupportProblem(source, stack.region);
      if (support) add([...spec.path, ...support[0]], support[1]);

      const tagCount = Object.keys({ ...stack.defaultTags, ...spec.tags }).length;
      if (tagCount > MAX_TAGS) {
        add(
          [...spec.path, 'tags'],
          `${tagCount} tags with the provider's default tags and the ${SOURCE_TAG} tag; AWS allows at most ${MAX_TAGS} on a resource`,
        );
      }

      if (seen) continue;
      const roleName = source.roleName ?? defaultRoleName(source.name);
      const key = `${stack.accountId}/${roleName.toLowerCase()}`;
      const first = roleNames.get(key);
      if (first !== undefined) {
        add(
          [...spec.path, source.roleName ? 'roleName' : 'name'],
          `role name "${roleName}" is already used by ${first} in account ${stack.accountId}; IAM role names are unique per account, across regions (ignoring case): set a different roleName`,
        );
      } else roleNames.set(key, where(spec.path));
    }
  }
  for (const [accountId, { roles, quota, quotaPath, path }] of accountRoles) {
    const problem = rolesPerAccountProblem(roles, accountId, quota);
    if (problem) add(quotaPath ?? path, problem);
  }
  return problems;
}
