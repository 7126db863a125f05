/**
 * What the stacks synthesize for each source's IAM role: its name, trust policy and inline
 * policies, read from the Terraform JSON of the stack built in memory (nothing is written).
 *
 * Decision: the doctor synthesizes in memory rather than reading cdktf.out, so that it compares
 * AWS with the config as it is now (a stale cdktf.out would hide drift) and needs no synth first.
 */
import { App } from 'cdktf';
import { ClickPipesAccountStack } from '../app/account-stack';
import type { ClickPipesConfig } from '../config/config';
import type { StackSpec } from '../config/stacks';
import { PolicyDocument } from './policy';

/** The IAM role of one source as its stack synthesizes it. */
export interface ExpectedRole {
  readonly roleName: string;
  /** The trust policy; `${…}` values (a ClickHouse service's role, a created database's ID) match any value. */
  readonly trust: PolicyDocument;
  /** Inline policies by name. */
  readonly policies: Readonly<Record<string, PolicyDocument>>;
}

type Tf = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
};

interface TfStatement {
  effect?: string;
  actions?: string[];
  resources?: string[];
  principals?: { type: string; identifiers: string[] }[];
  condition?: { test: string; variable: string; values: string[] }[];
}

/** A `data.aws_iam_policy_document` block as the IAM JSON it stands for. */
function documentOf(block: Record<string, unknown> | undefined): PolicyDocument {
  const statements = ((block?.statement as TfStatement[] | undefined) ?? []).map((s) => {
    const condition: Record<string, Record<string, string[]>> = {};
    for (const c of s.condition ?? []) (condition[c.test] ??= {})[c.variable] = c.values;
    const principal: Record<string, string[]> = {};
    for (const p of s.principals ?? []) principal[p.type] = [...(principal[p.type] ?? []), ...p.identifiers];
    return {
      Effect: s.effect ?? 'Allow',
      Action: s.actions ?? [],
      ...(s.resources ? { Resource: s.resources } : {}),
      ...(s.principals ? { Principal: principal } : {}),
      ...(s.condition ? { Condition: condition } : {}),
    };
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** `${data.aws_iam_policy_document.orders_trust_policy.json}` → its block. */
function referencedDocument(tf: Tf, reference: unknown): PolicyDocument {
  const m = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(String(reference));
  return documentOf(m ? tf.data?.aws_iam_policy_document?.[m[1]] : undefined);
}

/** The expected role of each source of a stack, by source name. */
export function expectedRoles(config: ClickPipesConfig, stack: StackSpec): Record<string, ExpectedRole> {
  // Synthesizing never writes here: toTerraform() resolves the stack in memory.
  const app = new App({ outdir: 'cdktf.out', stackTraces: false, skipValidation: true });
  const built = new ClickPipesAccountStack(app, {
    account: stack.account,
    defaults: config,
    region: stack.account.regions ? stack.region : undefined,
  });
  const tf = built.toTerraform() as Tf;
  const roles = tf.resource?.aws_iam_role ?? {};
  const inline = tf.resource?.aws_iam_role_policy ?? {};
  const out: Record<string, ExpectedRole> = {};
  for (const { source } of stack.sources) {
    const role = roles[`${source.name}_role`];
    if (!role) continue;
    const policies: Record<string, PolicyDocument> = {};
    for (const policy of Object.values(inline)) {
      if (policy.role === `\${aws_iam_role.${source.name}_role.name}`)
        policies[String(policy.name)] = referencedDocument(tf, policy.policy);
    }
    out[source.name] = {
      roleName: String(role.name),
      trust: referencedDocument(tf, role.assume_role_policy),
      policies,
    };
  }
  return out;
}
