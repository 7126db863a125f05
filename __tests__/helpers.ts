import { Construct } from 'constructs';
import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { expectCatalogValid } from './verify/catalog';

/** The stacks synthesized during the current test (on globalThis: setup.ts and the test share it). */
const recorded: string[] = ((globalThis as { __cpaRecordedSynths?: string[] }).__cpaRecordedSynths ??= []);

/**
 * Marks a synthesized stack (Terraform JSON) for the IAM catalog check that runs after the
 * test (setup.ts), and returns it.
 */
export function recordSynth(synth: string): string {
  recorded.push(synth);
  return synth;
}

/** Checks the stacks recorded during the test against the IAM catalog (see verify/catalog.ts). */
export async function checkRecordedSynths(): Promise<void> {
  const synths = recorded.splice(0);
  for (const synth of synths) await expectCatalogValid(synth, 'a stack this test synthesized');
}

/** Terraform JSON of a stack built by `build`, with an `aws` provider for us-east-1; checked against the IAM catalog after the test. */
export function synthStack(build: (scope: Construct) => void): string {
  return recordSynth(
    Testing.synthScope((scope) => {
      new AwsProvider(scope, 'aws', { region: 'us-east-1' });
      build(scope);
    }),
  );
}

type Block = Record<string, unknown>;

/** The synthesized blocks of one type (`resource.aws_iam_role`, `data.aws_iam_policy_document`, `output`). */
export function blocks(synth: string, kind: 'resource' | 'data' | 'output', type?: string): Block[] {
  const json = JSON.parse(synth) as Record<string, Record<string, Record<string, Block>>>;
  const section = json[kind] ?? {};
  if (kind === 'output') return Object.values(section as unknown as Record<string, Block>);
  return Object.values(section[type!] ?? {});
}

/** The one block of a type; fails when there are none or several. */
export function only(synth: string, kind: 'resource' | 'data', type: string): Block {
  const found = blocks(synth, kind, type);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${type}, found ${found.length}`);
  return found[0];
}

/** The policy documents of a stack, by name. */
export function policyDocuments(synth: string): Record<string, { statement: Block[] }> {
  const json = JSON.parse(synth) as { data?: { aws_iam_policy_document?: Record<string, { statement: Block[] }> } };
  return json.data?.aws_iam_policy_document ?? {};
}

export const CLICKHOUSE_ROLE = 'arn:aws:iam::111122223333:role/CH-S3-example-Role';

/** `type.name` of every block of a `resource` or `data` section, sorted. */
export function addresses(section: Record<string, object>): string[] {
  return Object.entries(section)
    .flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`))
    .sort();
}
