/**
 * Compares a stack's HCL (parsed by `@cdktf/hcl2json`) with its Terraform JSON: the same blocks,
 * names and attributes. hcl2json writes every block as a list of bodies (`[{…}]`) where the JSON
 * form writes a single block as an object, so both sides are brought to one shape first: cdktf's
 * `//` metadata dropped, and a list holding one object read as that object.
 */
import { parse as parseHcl } from '@cdktf/hcl2json';

export function comparableTerraform(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(comparableTerraform);
    return items.length === 1 && items[0] !== null && typeof items[0] === 'object' && !Array.isArray(items[0])
      ? items[0]
      : items;
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== '//')
        .map(([key, v]) => [key, comparableTerraform(v)]),
    );
  }
  return value;
}

/** A stack's HCL text, parsed and brought to the shape of {@link comparableTerraform}. */
export async function comparableHcl(text: string): Promise<unknown> {
  return comparableTerraform(await parseHcl('cdk.tf', text));
}
