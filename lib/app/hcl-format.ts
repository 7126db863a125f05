/**
 * HCL as `terraform fmt` writes it, without Terraform: `@cdktf/hcl-tools` (HashiCorp's hclwrite
 * formatter compiled to WebAssembly, what `cdktf synth --hcl` runs) plus the two rules that
 * `terraform fmt` adds to hclwrite: an attribute whose whole value is one interpolation,
 * `x = "${a.b}"`, becomes `x = a.b`, and the file ends with a newline.
 */

/** The attribute lines whose value is exactly `"${reference}"`: a traversal, nothing nested. */
const INTERPOLATION_ONLY = /^(\s*[A-Za-z_][A-Za-z0-9_-]*\s*=\s*)"\$\{([A-Za-z_][A-Za-z0-9_.[\]*-]*)\}"\s*$/;

/**
 * `x = "${a.b}"` → `x = a.b` for attributes of blocks (not for the elements of an object or a
 * list value, which `terraform fmt` leaves alone). cdktf writes one attribute per line, and a
 * line that opens a block ends in `{` without `=`.
 */
export function unwrapInterpolations(hcl: string): string {
  const context: ('block' | 'value')[] = [];
  return hcl
    .split('\n')
    .map((line) => {
      const trimmed = line.trim();
      const inBlock = context.length === 0 || context[context.length - 1] === 'block';
      const m = inBlock ? INTERPOLATION_ONLY.exec(line) : null;
      if (/^[}\]]/.test(trimmed)) context.pop();
      if (/[{[]$/.test(trimmed)) context.push(/=\s*[{[]$/.test(trimmed) || !inBlock ? 'value' : 'block');
      return m ? `${m[1]}${m[2]}` : line;
    })
    .join('\n');
}

/** Formats HCL as `terraform fmt` does. */
export async function terraformFmt(hcl: string): Promise<string> {
  // Loaded only here: loading it starts the WebAssembly formatter.
  const { format } = await import('@cdktf/hcl-tools');
  const formatted = await format(unwrapInterpolations(hcl));
  return formatted.endsWith('\n') ? formatted : `${formatted}\n`;
}
