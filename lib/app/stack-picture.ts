/**
 * What the diagram of a stack shows ({@link describeStack}): the ClickHouse role each source's
 * IAM role trusts, what each role may do on which resources, and the database side of the
 * RDS/Aurora sources.
 *
 * The grants are read from the constructs' own policy documents (the statements the Terraform
 * holds), never from a second list. Terraform references are shown as `‹…›`: a database's
 * resource ID by the database it belongs to, a ClickHouse service's role by the service.
 */
import { DefaultTokenResolver, IResolvable, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
// A type only: the connect helper loads source-files.ts, and so this file, without the stack's modules.
import type { ClickPipesAccountStack } from './account-stack';
import { SourceSpec } from '../config/stacks';
import { ClickPipesAccessRole } from '../constructs/clickpipes-access-role';
import { ClickPipesRdsIamAccess } from '../constructs/rds-iam-access';
import { identifierOf } from '../constructs/managed-database';
import { ENGINES } from '../rules/engines';
import { partitionOf } from '../rules/validation';

/** One statement of an inline policy: what the role may do, on what. */
export interface GrantPicture {
  readonly policy: string;
  readonly effect: string;
  readonly actions: readonly string[];
  /** Full ARNs (or `*`), Terraform references as `‹…›`. */
  readonly resources: readonly string[];
  /** The same, without the partition, region and account of the stack. */
  readonly shortResources: readonly string[];
  /** A condition or a `not…` field the picture does not show. */
  readonly more?: string;
}

/** The database side of an RDS/Aurora source. */
export interface DatabasePicture {
  /** `DB instance orders-prod`, `Aurora cluster with resource ID cluster-…`. */
  readonly database: string;
  /** `looked up`, `created by this stack`, `named by resource ID`. */
  readonly how: string;
  readonly engine: string;
  /** IAM database authentication is turned on by this stack (a database it creates). */
  readonly iamAuthSetHere: boolean;
  readonly dbUser: string;
  readonly pipeMode: string;
  /** For CDC: the parameters (`name = value`), and the parameter group of this stack that sets them, if any. */
  readonly cdc?: {
    readonly parameters: readonly string[];
    readonly parameterGroup?: string;
    readonly groupKind: 'DB parameter group' | 'DB cluster parameter group';
  };
  readonly setupSql?: string;
  /** Ingress from the ClickPipes static IPs. */
  readonly network?: { readonly port: string; readonly securityGroups: readonly string[]; readonly ips: string };
}

export interface SourcePicture {
  readonly name: string;
  readonly type: string;
  readonly roleName: string;
  /** The principals of the trust policy, readable. */
  readonly trustedBy: readonly string[];
  readonly trustActions: readonly string[];
  readonly grants: readonly GrantPicture[];
  readonly database?: DatabasePicture;
}

export interface StackPicture {
  readonly stack: string;
  readonly accountId: string;
  readonly region: string;
  readonly sources: readonly SourcePicture[];
}

/**
 * What the picture of a stack shows, read from its constructs.
 *
 * @param setupSqlFiles the setup SQL file of each RDS/Aurora source, relative to the stack folder
 */
export function describeStack(
  stack: ClickPipesAccountStack,
  setupSqlFiles: Readonly<Record<string, string>> = {},
): StackPicture {
  const { spec } = stack;
  const partition = partitionOf(spec.region);
  const readable = referenceNames(stack);
  const short = (arn: string) => shortArn(arn, partition, spec.region, spec.accountId);
  const sources = spec.sources.map((sourceSpec): SourcePicture => {
    const { source } = sourceSpec;
    const access = stack.sources[source.name];
    const trust = documentOf(access, 'trust_policy').flatMap(statementsOf);
    const grants = access.node.children
      .filter((c): c is IamRolePolicy => c instanceof IamRolePolicy)
      .flatMap((policy) =>
        documentOf(access, `${policy.node.id}_policy`)
          .flatMap(statementsOf)
          .map((s): GrantPicture => {
            const resources = (s.resources ?? []).map(readable);
            const more = [s.notActions && 'not_actions', s.notResources && 'not_resources', s.condition && 'condition']
              .filter(Boolean)
              .join(', ');
            return {
              policy: readable(policy.nameInput ?? policy.node.id),
              effect: s.effect ?? 'Allow',
              actions: [...(s.actions ?? [])],
              resources,
              shortResources: resources.map(short),
              ...(more ? { more: `with ${more}: see the Terraform` } : {}),
            };
          }),
      );
    return {
      name: source.name,
      type: source.type,
      roleName: readable(access.roleName),
      trustedBy: trust.flatMap((s) => listOf(s.principals).flatMap((p) => p.identifiers.map(readable))),
      trustActions: trust.flatMap((s) => s.actions ?? []),
      grants,
      database:
        access instanceof ClickPipesRdsIamAccess
          ? databasePicture(access, sourceSpec, readable, setupSqlFiles[source.name])
          : undefined,
    };
  });
  return { stack: spec.name, accountId: spec.accountId, region: spec.region, sources };
}

function databasePicture(
  access: ClickPipesRdsIamAccess,
  { source }: SourceSpec,
  readable: (value: string | number) => string,
  setupSql: string | undefined,
): DatabasePicture {
  const info = ENGINES[access.engine];
  const multiAz =
    info.kind === 'instance' &&
    (('dbClusterIdentifier' in source && source.dbClusterIdentifier !== undefined) ||
      ('resourceId' in source && !!source.resourceId?.startsWith('cluster-')));
  const kind = info.kind === 'cluster' ? 'Aurora cluster' : multiAz ? 'Multi-AZ DB cluster' : 'DB instance';
  const created = 'create' in source && source.create !== undefined;
  const identifier = databaseName(source);
  const group = access.replicationParameterGroup;
  const parameters = info.cdcParameters.map((p) => `${p.name} = ${p.value}`);
  const network = access.networkAccess;
  return {
    database:
      identifier !== undefined ? `${kind} ${identifier}` : `${kind} with resource ID ${readable(access.resourceId)}`,
    how: created ? 'created by this stack' : identifier !== undefined ? 'looked up' : 'named by resource ID',
    engine: info.label,
    iamAuthSetHere: created,
    dbUser: readable(access.dbUser),
    pipeMode: access.pipeMode,
    cdc:
      access.pipeMode !== 'cdc'
        ? undefined
        : {
            parameters,
            parameterGroup: group && readable(group.nameInput ?? group.node.id),
            groupKind: info.kind === 'instance' && !multiAz ? 'DB parameter group' : 'DB cluster parameter group',
          },
    setupSql,
    network: network && {
      port: readable(network.rules[0]?.fromPortInput ?? ''),
      securityGroups: [...new Set(network.rules.map((r) => readable(r.securityGroupIdInput ?? '')))],
      ips: `${network.ips.length} ClickPipes static IPs of ${network.region}`,
    },
  };
}

/**
 * The policy document of an access construct with this id (none if absent): `trust_policy`, and
 * `<policy id>_policy` for each inline policy, as `ClickPipesAccessRole.addInlinePolicy` names them.
 */
function documentOf(access: ClickPipesAccessRole, id: string): DataAwsIamPolicyDocument[] {
  const child = access.node.tryFindChild(id);
  return child instanceof DataAwsIamPolicyDocument ? [child] : [];
}

function statementsOf(document: DataAwsIamPolicyDocument): DataAwsIamPolicyDocumentStatement[] {
  return listOf(document.statementInput);
}

/** A list of blocks as given to a provider class (not a Terraform reference to one). */
const listOf = <T>(blocks: T[] | IResolvable | undefined): T[] => (Array.isArray(blocks) ? blocks : []);

/**
 * A function that writes a value with its Terraform references readable: a database's resource
 * ID as `‹resource ID of orders-prod›`, a ClickHouse service's role as `‹IAM role of ClickHouse
 * service ID›`, any other reference as `‹address›` (`${aws_x.y.z}` → `‹aws_x.y.z›`).
 */
function referenceNames(stack: ClickPipesAccountStack): (value: string | number) => string {
  const names = new Map<string, string>();
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolved = (value: string | number) => String(Tokenization.resolve(value, { scope: stack, resolver }));
  for (const { source, trust } of stack.spec.sources) {
    const access = stack.sources[source.name];
    if (trust && 'serviceId' in trust && Token.isUnresolved(access.clickHouseIamRoleArn))
      names.set(resolved(access.clickHouseIamRoleArn), `‹IAM role of ClickHouse service ${trust.serviceId}›`);
    if (access instanceof ClickPipesRdsIamAccess && Token.isUnresolved(access.resourceId)) {
      const database = databaseName(source);
      if (database) {
        names.set(resolved(access.resourceId), `‹resource ID of ${database}›`);
        if (access.dbPort !== undefined && Token.isUnresolved(access.dbPort))
          names.set(resolved(access.dbPort), `‹port of ${database}›`);
      }
    }
  }
  return (value) => {
    if (!Token.isUnresolved(value)) return String(value);
    let text = resolved(value);
    for (const [reference, name] of names) text = text.split(reference).join(name);
    return replaceTerraformReferences(text, (expression) => `‹${expression}›`);
  };
}

function databaseName(source: SourceSpec['source']): string | undefined {
  const named = source as { create?: object; dbInstanceIdentifier?: string; dbClusterIdentifier?: string };
  if (named.create) return identifierOf(source.name, named.create);
  return named.dbInstanceIdentifier ?? named.dbClusterIdentifier;
}

/** Replaces each `${…}` of a Terraform string (braces nested in it, too) with `name(…)`. */
export function replaceTerraformReferences(text: string, name: (expression: string) => string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    let depth = 0;
    let end = start + 1;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    if (end >= text.length) break;
    out += text.slice(i, start) + name(text.slice(start + 2, end));
    i = end + 1;
  }
  return out + text.slice(i);
}

/**
 * An ARN without what every ARN of the stack shares: `arn:aws:kinesis:us-east-1:123456789012:stream/x`
 * → `kinesis:stream/x`, `arn:aws:s3:::bucket` → `s3:bucket`. An ARN of another partition,
 * region or account stays whole, and so does anything that is not an ARN.
 */
export function shortArn(arn: string, partition: string, region: string, accountId: string): string {
  const m = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.*)$/s.exec(arn);
  if (!m || m[1] !== partition || ![region, ''].includes(m[3]) || ![accountId, ''].includes(m[4])) return arn;
  return `${m[2]}:${m[5]}`;
}

/** The stack of an access construct, when it is an account stack of this app (one with a `spec` and `sources`). */
export function accountStackOf(construct: IConstruct): ClickPipesAccountStack | undefined {
  const stack = TerraformStack.of(construct) as Partial<ClickPipesAccountStack>;
  return stack.spec !== undefined && stack.sources !== undefined ? (stack as ClickPipesAccountStack) : undefined;
}
