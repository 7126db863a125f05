/**
 * Reads the IAM policies out of a synthesized Terraform JSON stack, as the JSON that AWS would
 * receive, so that oracles written by others (the IAM catalog, the IAM simulator) can judge them.
 *
 * A policy can stand in a stack in three forms, all resolved here:
 * - a reference to an `aws_iam_policy_document` data source (`${data.aws_iam_policy_document.X.json}`),
 *   rendered the way the AWS provider renders it;
 * - `${jsonencode({…})}` (cdktf's `Fn.jsonencode`), parsed as the HCL object expression it is;
 * - a JSON string (possibly holding `${…}` references).
 *
 * References inside a policy are replaced by the value Terraform would give them where the
 * stack itself determines it (`aws_region` and `aws_partition` from the provider's region,
 * `aws_caller_identity` from the provider's single allowed account, a role's name and ARN from
 * its literal name). Values that exist only after apply (an RDS resource ID) or that the stack
 * does not determine (the account of a provider without `allowed_account_ids`) get a
 * *stand-in*: clearly fake but well-formed (`db-UNKNOWN…`, account `000000000000`), so that
 * the ARN around them can still be checked against the catalog and simulated. Every stand-in is
 * listed on the policy. A reference the resolver has no rule for stays in the text and is listed
 * as unresolved: the catalog check then skips that resource and counts it, never passes it.
 */
import { createHash } from 'crypto';

/** An IAM policy statement as AWS reads it. */
export interface IamStatement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document as AWS reads it. */
export interface IamPolicy {
  Version?: string;
  Id?: string;
  Statement: IamStatement[];
}

/** What a policy is for: a role's trust policy, a policy of an identity, or one on a resource. */
export type PolicyKind = 'trust' | 'identity' | 'resource';

export interface ResolvedPolicy {
  /** The Terraform address of the block and the attribute: `aws_iam_role.orders_role.assume_role_policy`. */
  readonly where: string;
  readonly kind: PolicyKind;
  /** The resource type holding the policy (`aws_iam_role`, `aws_iam_role_policy`, …). */
  readonly resourceType: string;
  readonly policy: IamPolicy;
  /** The IAM role the policy belongs to (trust and inline policies), when its name is literal. */
  readonly role?: { readonly name: string; readonly arn: string };
  /** References that got a stand-in value (see the file comment). */
  readonly standIns: readonly string[];
  /** References left unresolved in the policy text. */
  readonly unresolved: readonly string[];
}

/** The account of a stand-in: 12 digits, and plainly no one's. */
export const STAND_IN_ACCOUNT = '000000000000';
/** The account of a stand-in for a ClickHouse service's IAM role (ClickHouse Cloud's account, not the stack's). */
export const STAND_IN_CLICKHOUSE_ACCOUNT = '999999999999';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Block = Record<string, Json>;
/** Synthesized Terraform JSON. */
export interface TerraformJson {
  provider?: Record<string, Block[]>;
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
  [key: string]: unknown;
}

/**
 * Where each resource type keeps its policies: attribute → kind. A new resource type that holds
 * a policy (a bucket policy, a stream's resource policy) is one line here.
 */
const POLICY_ATTRIBUTES: Readonly<Record<string, Readonly<Record<string, PolicyKind>>>> = {
  aws_iam_role: { assume_role_policy: 'trust' },
  aws_iam_role_policy: { policy: 'identity' },
  aws_iam_policy: { policy: 'identity' },
  aws_iam_user_policy: { policy: 'identity' },
  aws_iam_group_policy: { policy: 'identity' },
  aws_s3_bucket_policy: { policy: 'resource' },
  aws_sqs_queue_policy: { policy: 'resource' },
  aws_kinesis_resource_policy: { policy: 'resource' },
};

/** Attribute names that hold a policy on resource types missing from the table: they make the check fail loudly. */
const POLICY_LIKE = /^(assume_role_policy|policy|inline_policy)$/;

/** A short, stable, uppercase code for a stand-in, from the reference it replaces. */
function code(reference: string): string {
  return createHash('sha256').update(reference).digest('hex').slice(0, 12).toUpperCase();
}

/** The partition of a region: cn-* → aws-cn, us-gov-* → aws-us-gov, else aws. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const REFERENCE = /^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$/;

/** Resolves references and policy forms of one stack. */
export class StackPolicyResolver {
  private readonly standIns = new Set<string>();
  private readonly unresolved = new Set<string>();

  constructor(private readonly stack: TerraformJson) {}

  /** The region, partition and account of the (unaliased) `aws` provider. */
  get region(): string | undefined {
    const region = this.provider?.region;
    return typeof region === 'string' && !region.includes('${') ? region : undefined;
  }
  get partition(): string | undefined {
    return this.region === undefined ? undefined : partitionOfRegion(this.region);
  }
  /** The provider's account when `allowed_account_ids` names exactly one, else undefined. */
  get account(): string | undefined {
    const ids = this.provider?.allowed_account_ids;
    return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === 'string' ? ids[0] : undefined;
  }
  private get provider(): Block | undefined {
    return this.stack.provider?.aws?.find((p) => p.alias === undefined);
  }

  /**
   * The value Terraform would give a reference (`data.aws_region.r.region`), a stand-in for a
   * value known only after apply, or undefined when there is no rule for it.
   */
  valueOf(reference: string): string | undefined {
    const m = REFERENCE.exec(reference);
    if (!m) return undefined;
    const [, data, type, name, attribute] = m;
    const block = (data ? this.stack.data : this.stack.resource)?.[type]?.[name];
    if (!block) throw new Error(`the stack has no ${data ?? ''}${type}.${name}, referenced as \${${reference}}`);
    const standIn = (value: string) => {
      this.standIns.add(reference);
      return value;
    };
    const rule = `${data ?? ''}${type}.${attribute}`;
    switch (rule) {
      case 'data.aws_region.region':
      case 'data.aws_region.name':
        return this.region;
      case 'data.aws_partition.partition':
        return this.partition;
      case 'data.aws_caller_identity.account_id':
        return this.account ?? standIn(STAND_IN_ACCOUNT);
      case 'data.aws_iam_policy_document.json':
      case 'data.aws_iam_policy_document.minified_json':
        return JSON.stringify(this.renderDocument(block, reference));
      case 'data.aws_db_instance.resource_id':
      case 'aws_db_instance.resource_id':
        return standIn(`db-UNKNOWN${code(reference)}`);
      case 'data.aws_rds_cluster.cluster_resource_id':
      case 'aws_rds_cluster.cluster_resource_id':
        return standIn(`cluster-UNKNOWN${code(reference)}`);
      case 'data.clickhouse_service.iam_role':
        // The service's "Service role ID (IAM)", read from ClickHouse Cloud at plan time.
        return standIn(
          `arn:${this.partition ?? 'aws'}:iam::${STAND_IN_CLICKHOUSE_ACCOUNT}:role/CH-UNKNOWN${code(reference)}`,
        );
      case 'aws_iam_role.name':
      case 'aws_iam_role.id':
        return this.literal(block.name);
      case 'aws_iam_role.arn':
        return this.roleArn(block);
      case 'aws_kinesis_stream.arn':
        return this.arn('kinesis', `stream/${this.literal(block.name)}`, block.name);
      case 'aws_sqs_queue.arn':
        return this.arn('sqs', `${this.literal(block.name)}`, block.name);
      case 'aws_s3_bucket.arn':
        return this.literal(block.bucket) && `arn:${this.partition ?? 'aws'}:s3:::${this.literal(block.bucket)}`;
      case 'aws_msk_cluster.arn':
        // The cluster's UUID is known only after apply.
        return this.arn(
          'kafka',
          `cluster/${this.literal(block.cluster_name)}/${standIn(`UNKNOWN-${code(reference)}`)}`,
          block.cluster_name,
        );
      default:
        return undefined;
    }
  }

  /** The ARN of a regional resource of the stack's region and account, when `name` is literal. */
  private arn(service: string, resource: string, name: Json | undefined): string | undefined {
    if (this.literal(name) === undefined || this.region === undefined) return undefined;
    return `arn:${this.partition}:${service}:${this.region}:${this.account ?? STAND_IN_ACCOUNT}:${resource}`;
  }

  /** The ARN of an `aws_iam_role` block with a literal name (and path). */
  roleArn(block: Block): string | undefined {
    const name = this.literal(block.name);
    const path = block.path === undefined ? '/' : this.literal(block.path);
    if (name === undefined || path === undefined) return undefined;
    const account = this.account ?? STAND_IN_ACCOUNT;
    return `arn:${this.partition ?? 'aws'}:iam::${account}:role${path}${name}`;
  }

  private literal(value: Json | undefined): string | undefined {
    if (typeof value !== 'string') return undefined;
    const resolved = this.interpolate(value);
    return resolved.includes('${') ? undefined : resolved;
  }

  /** Replaces each `${reference}` of a string whose value is known; leaves the rest, listed as unresolved. */
  interpolate(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const start = text.indexOf('${', i);
      if (start < 0) break;
      out += text.slice(i, start);
      if (text[start - 1] === '$') {
        // `$${` is Terraform's escape for a literal `${`.
        out = out.slice(0, -1) + '${';
        i = start + 2;
        continue;
      }
      const end = closingBrace(text, start + 1);
      const expression = text.slice(start + 2, end).trim();
      const value = this.evaluate(expression);
      if (value === undefined) this.unresolved.add(expression);
      out += value ?? text.slice(start, end + 1);
      i = end + 1;
    }
    return out + text.slice(i);
  }

  /**
   * The value of an expression inside `${…}`: a reference, or `replace(reference, "from", "to")`
   * with literal strings (how a construct derives an MSK topic ARN from the cluster's); else undefined.
   */
  private evaluate(expression: string): string | undefined {
    if (REFERENCE.test(expression)) return this.valueOf(expression);
    const call = /^replace\(\s*([\w.-]+)\s*,\s*"([^"\\/]*)"\s*,\s*"([^"\\]*)"\s*\)$/.exec(expression);
    if (call && REFERENCE.test(call[1])) return this.valueOf(call[1])?.split(call[2]).join(call[3]);
    return undefined;
  }

  /** The IAM JSON of a policy attribute's value, in any of the three forms. */
  policyOf(value: Json, where: string): IamPolicy {
    if (typeof value !== 'string') throw new Error(`${where}: expected a policy string, got ${JSON.stringify(value)}`);
    const whole = /^\$\{([\s\S]*)\}$/.exec(value);
    if (whole && closingBrace(value, 1) === value.length - 1) {
      const expression = whole[1].trim();
      const call = /^jsonencode\(([\s\S]*)\)$/.exec(expression);
      if (call) return this.deepInterpolate(new HclExpressionParser(call[1]).parseAll()) as unknown as IamPolicy;
    }
    const text = this.interpolate(value);
    try {
      return JSON.parse(text) as IamPolicy;
    } catch (e) {
      throw new Error(
        `${where}: the policy is not JSON after resolving its references: ${(e as Error).message}\n${text}`,
      );
    }
  }

  private deepInterpolate(value: unknown): unknown {
    if (typeof value === 'string') return this.interpolate(value);
    if (Array.isArray(value)) return value.map((v) => this.deepInterpolate(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deepInterpolate(v)]));
    }
    return value;
  }

  /** An `aws_iam_policy_document` data source, rendered as the AWS provider renders it. */
  renderDocument(block: Block, reference: string): IamPolicy {
    const known = new Set(['//', 'statement', 'version', 'policy_id']);
    for (const key of Object.keys(block)) {
      if (!known.has(key)) throw new Error(`${reference}: the resolver does not render "${key}" yet; teach it`);
    }
    const text = (v: Json): string => {
      if (typeof v !== 'string') throw new Error(`${reference}: expected a string, got ${JSON.stringify(v)}`);
      // `&{…}` is how a policy document writes an IAM policy variable `${…}`.
      return this.interpolate(v).replace(/&\{/g, '${');
    };
    const list = (v: Json | undefined, field: string): string[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) throw new Error(`${reference}: ${field} is ${JSON.stringify(v)}, not a list`);
      return v.map(text);
    };
    const single = (values: string[] | undefined) => (values && values.length === 1 ? values[0] : values);
    const principals = (v: Json | undefined, field: string): IamStatement['Principal'] => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v)) throw new Error(`${reference}: ${field} is not a list of blocks`);
      const out: Record<string, string | string[]> = {};
      for (const p of v as Block[]) {
        const type = text(p.type);
        const ids = list(p.identifiers, `${field}.identifiers`) ?? [];
        if (type === '*' && ids.length === 1 && ids[0] === '*') return '*';
        const merged = [...(typeof out[type] === 'string' ? [out[type] as string] : (out[type] ?? [])), ...ids];
        out[type] = single(merged)!;
      }
      return out;
    };
    const statementKeys = new Set([
      'sid',
      'effect',
      'actions',
      'not_actions',
      'resources',
      'not_resources',
      'principals',
      'not_principals',
      'condition',
    ]);
    const statements = (block.statement ?? []) as Block[];
    if (!Array.isArray(statements)) throw new Error(`${reference}: statement is not a list of blocks`);
    return {
      Version: block.version === undefined ? '2012-10-17' : text(block.version),
      ...(block.policy_id === undefined ? {} : { Id: text(block.policy_id) }),
      Statement: statements.map((s) => {
        for (const key of Object.keys(s)) {
          if (!statementKeys.has(key)) throw new Error(`${reference}: statement field "${key}" is not rendered yet`);
        }
        const statement: IamStatement = { Effect: s.effect === undefined ? 'Allow' : text(s.effect) };
        if (s.sid !== undefined) statement.Sid = text(s.sid);
        const set = <K extends keyof IamStatement>(key: K, value: IamStatement[K] | undefined) => {
          if (value !== undefined) statement[key] = value;
        };
        set('Action', single(list(s.actions, 'actions')));
        set('NotAction', single(list(s.not_actions, 'not_actions')));
        set('Resource', single(list(s.resources, 'resources')));
        set('NotResource', single(list(s.not_resources, 'not_resources')));
        set('Principal', principals(s.principals, 'principals'));
        set('NotPrincipal', principals(s.not_principals, 'not_principals'));
        if (s.condition !== undefined) {
          const condition: Record<string, Record<string, string | string[]>> = {};
          for (const c of s.condition as Block[]) {
            const test = text(c.test);
            condition[test] = { ...condition[test], [text(c.variable)]: single(list(c.values, 'condition.values'))! };
          }
          statement.Condition = condition;
        }
        return statement;
      }),
    };
  }

  /** Every policy the stack's resources hold, resolved. */
  policies(): ResolvedPolicy[] {
    const out: ResolvedPolicy[] = [];
    for (const [type, byName] of Object.entries(this.stack.resource ?? {})) {
      const attributes = POLICY_ATTRIBUTES[type] ?? {};
      for (const [name, block] of Object.entries(byName)) {
        for (const key of Object.keys(block)) {
          if (POLICY_LIKE.test(key) && attributes[key] === undefined) {
            throw new Error(
              `${type}.${name}.${key} looks like a policy, but the resolver does not know ${type}; add it`,
            );
          }
        }
        for (const [attribute, kind] of Object.entries(attributes)) {
          if (block[attribute] === undefined) continue;
          const role = this.roleOf(type, block);
          this.standIns.clear();
          this.unresolved.clear();
          const where = `${type}.${name}.${attribute}`;
          const policy = this.policyOf(block[attribute], where);
          out.push({
            where,
            kind,
            resourceType: type,
            policy,
            role,
            standIns: [...this.standIns],
            unresolved: [...this.unresolved],
          });
        }
      }
    }
    return out;
  }

  /** The role a trust policy or an inline role policy belongs to. */
  private roleOf(type: string, block: Block): ResolvedPolicy['role'] {
    let role: Block | undefined;
    if (type === 'aws_iam_role') role = block;
    if (type === 'aws_iam_role_policy' && typeof block.role === 'string') {
      const m = /^\$\{aws_iam_role\.([A-Za-z0-9_-]+)\.(name|id)\}$/.exec(block.role);
      role = m
        ? this.stack.resource?.aws_iam_role?.[m[1]]
        : Object.values(this.stack.resource?.aws_iam_role ?? {}).find((r) => r.name === block.role);
    }
    const name = role && this.literal(role.name);
    const arn = role && this.roleArn(role);
    return name !== undefined && arn !== undefined ? { name, arn } : undefined;
  }
}

/** The index of the `}` that closes the `{` at `open`, skipping quoted strings. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error(`unbalanced braces in ${JSON.stringify(text)}`);
}

/**
 * A parser for the HCL expressions cdktf writes inside `jsonencode(…)`: objects
 * (`{"k" = v, …}`), tuples, quoted strings (templates kept as text for `interpolate`), numbers,
 * `true`/`false`/`null`, and bare references (kept as `${…}`).
 */
class HclExpressionParser {
  private i = 0;
  constructor(private readonly text: string) {}

  parseAll(): unknown {
    const value = this.value();
    this.space();
    if (this.i !== this.text.length) this.fail('trailing text');
    return value;
  }

  private fail(what: string): never {
    throw new Error(`jsonencode argument: ${what} at ${this.i}: ${this.text.slice(this.i, this.i + 40)}`);
  }

  private space() {
    while (this.i < this.text.length && /[\s,]/.test(this.text[this.i])) this.i++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.tuple();
    if (c === '"') return this.string();
    const word = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null|[A-Za-z_][A-Za-z0-9_.-]*)/.exec(
      this.text.slice(this.i),
    );
    if (!word) this.fail('unexpected expression');
    this.i += word[0].length;
    if (word[0] === 'true' || word[0] === 'false') return word[0] === 'true';
    if (word[0] === 'null') return null;
    if (/^-?\d/.test(word[0])) return Number(word[0]);
    if (this.text[this.i] === '(' || this.text[this.i] === '[') this.fail('function calls and indexes are not read');
    return `\${${word[0]}}`;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') {
        this.i++;
        return out;
      }
      const key = this.text[this.i] === '"' ? this.string() : (this.value() as string).replace(/^\$\{|\}$/g, '');
      this.space();
      if (this.text[this.i] !== '=' && this.text[this.i] !== ':') this.fail('expected = or :');
      this.i++;
      out[key] = this.value();
    }
  }

  private tuple(): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
    }
  }

  /** A quoted string; `${…}` templates stay as written. */
  private string(): string {
    let out = '';
    for (this.i++; this.i < this.text.length; this.i++) {
      const c = this.text[this.i];
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '$' && this.text[this.i + 1] === '{') {
        const end = closingBrace(this.text, this.i + 1);
        out += this.text.slice(this.i, end + 1);
        this.i = end;
      } else if (c === '\\') {
        const next = this.text[++this.i];
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (next === 'u') {
          out += String.fromCharCode(parseInt(this.text.slice(this.i + 1, this.i + 5), 16));
          this.i += 4;
        } else if (escapes[next] !== undefined) out += escapes[next];
        else this.fail('unknown escape');
      } else out += c;
    }
    return this.fail('unterminated string');
  }
}

/** Every policy of a synthesized stack (Terraform JSON text or object), resolved. */
export function stackPolicies(stack: string | TerraformJson): ResolvedPolicy[] {
  return new StackPolicyResolver(typeof stack === 'string' ? JSON.parse(stack) : stack).policies();
}

/** A policy with every list sorted and every single value as a list, to compare two renderings. */
export function normalizePolicy(policy: IamPolicy): unknown {
  const norm = (v: unknown): unknown => {
    if (typeof v === 'string') return [v];
    if (Array.isArray(v)) return [...v].map(String).sort();
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([, x]) => x !== undefined)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, norm(x)]),
      );
    }
    return v;
  };
  return {
    Version: policy.Version ?? '2008-10-17',
    Statement: policy.Statement.map((s) => {
      const { Sid, Effect, Principal, NotPrincipal, ...rest } = s;
      return {
        ...(Sid ? { Sid } : {}),
        Effect,
        ...(Principal === undefined ? {} : { Principal: Principal === '*' ? '*' : norm(Principal) }),
        ...(NotPrincipal === undefined ? {} : { NotPrincipal: NotPrincipal === '*' ? '*' : norm(NotPrincipal) }),
        ...(norm(rest) as object),
      };
    }),
  };
}
