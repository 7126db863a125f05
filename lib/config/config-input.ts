/**
 * The raw input of a config before the schema reads it: values the schema cannot describe well
 * (nesting deeper than any config, `__proto__` keys, binary data), the order of its fields (to
 * list problems in file order), values shown short in messages, and a "did you mean" for an
 * unknown field.
 */
import type { z } from 'zod';

/** A config path: `['accounts', 0, 'sources', 1]`. */
export type InputPath = (string | number)[];

/**
 * The deepest nesting a config is read with. A config nests at most about ten levels
 * (`accounts[0].regions[0].sources[0].create.vpcSecurityGroupIds[0]`); a file nested thousands
 * deep is a mistake (or worse), and would overflow the stack of whatever walks it.
 */
export const MAX_NESTING = 64;

/** What a raw input holds: its problems, and the order in which its paths appear. */
export interface InputShape {
  readonly problems: [InputPath, string][];
  /** Pre-order position of each path (as JSON), which is the order of the file for JSON and YAML. */
  readonly order: ReadonlyMap<string, number>;
}

/** An object of no class (of any realm: tests run in a VM context of their own). */
const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/** A kind of value that JSON cannot hold, in words (YAML's `!!binary` gives a Buffer). */
function oddValue(v: unknown): string | undefined {
  // undefined: a field left out, in a config built in code.
  if (v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) return undefined;
  if (typeof v !== 'object') return `a ${typeof v}`;
  if (Array.isArray(v) || isPlainObject(v)) return undefined;
  if (ArrayBuffer.isView(v)) return 'binary data (YAML !!binary)';
  return `a ${(v.constructor as { name?: string } | undefined)?.name ?? 'special'} value (a YAML tag)`;
}

/** Walks `input` without recursion: its problems and the order of its paths. */
export function inputShape(input: unknown): InputShape {
  const problems: [InputPath, string][] = [];
  const order = new Map<string, number>();
  const stack: [unknown, InputPath][] = [[input, []]];
  while (stack.length) {
    const [value, path] = stack.pop()!;
    order.set(JSON.stringify(path), order.size);
    const odd = oddValue(value);
    if (odd) {
      problems.push([path, `${odd}; expected text, a number, true or false, a list or a mapping`]);
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_NESTING) {
      // Named at the last field name, not at a path of dozens of [0].
      let named = path.length;
      while (named > 0 && typeof path[named - 1] !== 'string') named--;
      const field = path.slice(0, named);
      problems.push([field, `nested more than ${MAX_NESTING} levels deep; no config field nests like this`]);
      continue;
    }
    const children: [unknown, InputPath][] = Array.isArray(value)
      ? value.map((v, i) => [v, [...path, i]])
      : Object.keys(value).map((k) => [(value as Record<string, unknown>)[k], [...path, k]]);
    if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      problems.push([
        [...path, '__proto__'],
        'the key "__proto__" is not accepted: JavaScript gives it a special meaning and it would be dropped silently; use another key',
      ]);
    }
    // Reversed: the stack pops them in input order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { problems, order };
}

/** The position in the input of the deepest existing prefix of `path`, for sorting problems in file order. */
export function positionOf(order: ReadonlyMap<string, number>, path: readonly PropertyKey[]): number {
  for (let n = path.length; n >= 0; n--) {
    const at = order.get(JSON.stringify(path.slice(0, n)));
    if (at !== undefined) return at;
  }
  return 0;
}

/** A value for a message: JSON, cut to its start and length when long. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    return '(a value nested too deeply to show)';
  }
  return text.length <= 200 ? text : `${text.slice(0, 60)}… (${text.length.toLocaleString('en-US')} characters)`;
}

type AnySchema = z.core.$ZodType;
interface SchemaDef {
  type: string;
  innerType?: AnySchema;
  element?: AnySchema;
  valueType?: AnySchema;
  shape?: Record<string, AnySchema>;
  options?: AnySchema[];
  discriminator?: string;
  in?: AnySchema;
}

const defOf = (schema: AnySchema) => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The object schema at `path` of the input, following the input through unions by their discriminator. */
function objectSchemaAt(schema: AnySchema, path: readonly PropertyKey[], input: unknown): SchemaDef | undefined {
  let current: AnySchema | undefined = schema;
  let value = input;
  for (let i = 0; current && i <= path.length;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union' && def.options) {
      const tag =
        value !== null && typeof value === 'object'
          ? (value as Record<string, unknown>)[def.discriminator ?? 'type']
          : undefined;
      current = def.options.find((o) => {
        const values = (o as unknown as { _zod: { propValues?: Record<string, Set<unknown>> } })._zod.propValues;
        return values?.[def.discriminator ?? 'type']?.has(tag);
      });
    } else if (i === path.length) return def.type === 'object' ? def : undefined;
    else {
      const key = path[i++];
      value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
      current =
        def.type === 'object'
          ? def.shape?.[String(key)]
          : def.type === 'array'
            ? def.element
            : def.type === 'record'
              ? def.valueType
              : undefined;
    }
  }
  return undefined;
}

/** Edit distance of two names, ignoring case. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++)
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    row = next;
  }
  return row[y.length];
}

/**
 * The field of the object at `path` that an unknown `key` most likely means: the nearest name
 * by edit distance (at most a third of its length, and 3), or undefined.
 */
export function likelyField(
  schema: AnySchema,
  path: readonly PropertyKey[],
  input: unknown,
  key: string,
): string | undefined {
  const known = Object.keys(objectSchemaAt(schema, path, input)?.shape ?? {});
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(key, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best !== undefined && bestDistance <= Math.min(3, Math.ceil(best.length / 3)) ? best : undefined;
}
