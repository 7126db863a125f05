/** Reading a config file: JSON, or YAML for `.yaml` / `.yml`, with syntax errors named by file and line. */
import * as fs from 'fs';
import * as path from 'path';
import { ClickPipesInputError } from '../errors';

/** The config files the app looks for in the working directory, in this order. */
export const CONFIG_FILES = ['clickpipes.config.json', 'clickpipes.config.yaml', 'clickpipes.config.yml'] as const;

/** Whether a file name is read as YAML. */
export const isYaml = (file: string) => /\.ya?ml$/i.test(file);

/**
 * The config file in `cwd`: one of {@link CONFIG_FILES}, or undefined when there is none.
 *
 * @throws ClickPipesInputError when there are several
 */
export function findConfigFile(cwd: string): string | undefined {
  const found = CONFIG_FILES.filter((f) => fs.existsSync(path.join(cwd, f)));
  if (found.length > 1) {
    throw new ClickPipesInputError([
      `${found.join(' and ')} are both in ${cwd === process.cwd() ? 'the working directory' : cwd}; keep one, or name one with CLICKPIPES_CONFIG`,
    ]);
  }
  return found[0];
}

/**
 * The config file named by `CLICKPIPES_CONFIG`, or undefined when the variable is not set.
 *
 * @throws ClickPipesInputError when it is set but empty
 */
export function namedConfigFile(env: NodeJS.ProcessEnv): string | undefined {
  const named = env.CLICKPIPES_CONFIG;
  if (named !== undefined && named.trim() === '') {
    throw new ClickPipesInputError([
      'CLICKPIPES_CONFIG is set but empty; set it to the path of a config file, or unset it to read ./clickpipes.config.json (or .yaml)',
    ]);
  }
  return named;
}

/**
 * How YAML wrote the numbers of a parsed config, by config path (`["accounts",0,"accountId"]` as
 * JSON): `012345678901` reads as the number 12345678901, and a message should show the digits as
 * written.
 */
const numbersAsWritten = new WeakMap<object, ReadonlyMap<string, string>>();

/** The text a YAML number at `path` of a config parsed by {@link readConfigFile} was written as, if it differs from the number. */
export function numberAsWritten(config: unknown, path: readonly PropertyKey[]): string | undefined {
  if (config === null || typeof config !== 'object') return undefined;
  return numbersAsWritten.get(config)?.get(JSON.stringify(path));
}

/**
 * YAML aliases the parser expands before refusing the file (`yaml`'s `maxAliasCount`, 100 by
 * default). It guards against "billion laughs" files, whose aliases expand exponentially; a
 * config may well use one anchor per source (an ARN, a set of tags) in thousands of sources.
 * The product of uses and nesting that the library counts stays bounded by this.
 */
export const MAX_YAML_ALIASES = 10_000;

/**
 * The content of a config file, parsed as JSON or (for `.yaml` / `.yml`) YAML.
 *
 * @param file the path as the user gave it (for messages), relative to `cwd`
 * @throws ClickPipesInputError for a missing or unreadable file, or a syntax error (with its line and column)
 */
export function readConfigFile(file: string, cwd: string, hint = ''): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : (e as Error).message;
    throw new ClickPipesInputError([`${file}: cannot read the config (${reason})${hint}`]);
  }
  return isYaml(file) ? parseYaml(file, text) : parseJson(file, text);
}

function parseYaml(file: string, text: string): unknown {
  // Loaded only for YAML files: it takes a tenth of the synth of a small config to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isPair, isScalar, isSeq, parseDocument, visit } = require('yaml') as typeof import('yaml');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ClickPipesInputError(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
        return `${file}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${message}`;
      }),
    );
  }
  if (doc.contents === null) {
    throw new ClickPipesInputError([
      `${file}: the file is empty; expected a config with "accounts" (see examples/ and schema/clickpipes.config.schema.json)`,
    ]);
  }
  let config: unknown;
  try {
    config = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
    throw new ClickPipesInputError([
      `${file}: not valid YAML: its aliases expand more than ${MAX_YAML_ALIASES.toLocaleString('en-US')} times (${e.message}); write the repeated values out`,
    ]);
  }
  if (config !== null && typeof config === 'object') {
    const written = new Map<string, string>();
    visit(doc, {
      Scalar(_key, node, ancestors) {
        if (typeof node.value !== 'number' || node.source === undefined || node.source === String(node.value)) return;
        const chain = [...ancestors, node];
        const path: (string | number)[] = [];
        for (let i = 0; i < chain.length - 1; i++) {
          const parent = chain[i];
          const child = chain[i + 1];
          if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
          else if (isPair(parent)) {
            if (child === parent.key) return;
            path.push(String(isScalar(parent.key) ? parent.key.value : parent.key));
          }
        }
        written.set(JSON.stringify(path), node.source);
      },
    });
    numbersAsWritten.set(config, written);
  }
  return config;
}

function parseJson(file: string, text: string): unknown {
  // A byte order mark, as some Windows editors write: RFC 8259 (section 8.1) lets a parser
  // ignore it, and the YAML reader does.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  try {
    const config = JSON.parse(text) as unknown;
    const duplicates = duplicateKeys(text);
    if (duplicates.length) {
      throw new ClickPipesInputError(
        duplicates.map(
          (d) =>
            `${file}:${d.line}:${d.column}: the key ${JSON.stringify(d.key)} is given twice in one object (first at line ${d.firstLine}); a JSON reader keeps only the last one silently: give it once`,
        ),
      );
    }
    return config;
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) throw e;
    const offset = jsonErrorOffset(text);
    const before = text.slice(0, offset).split('\n');
    const reason = (e as Error).message
      .replace(/, (\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/ in JSON at position \d+.*$/s, '');
    throw new ClickPipesInputError([
      `${file}:${before.length}:${before[before.length - 1].length + 1}: not valid JSON: ${reason}`,
    ]);
  }
}

/** Where JSON.parse reports an error, or undefined when it parses or only ends early. */
function reportedOffset(text: string): number | 'end' | 'ok' | undefined {
  try {
    JSON.parse(text);
    return 'ok';
  } catch (e) {
    const message = (e as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return 'end';
    const m = / at position (\d+)/.exec(message);
    return m ? Number(m[1]) : undefined;
  }
}

/**
 * The offset of the first character JSON.parse refuses. Node 20 names it for most errors; for the
 * others ("Unexpected token") it is the length of the longest prefix that is still the start of a
 * JSON text, found by bisection.
 */
function jsonErrorOffset(text: string): number {
  const reported = reportedOffset(text);
  if (typeof reported === 'number') return reported;
  if (reported === 'end') return text.trimEnd().length;
  const startsJson = (n: number) => {
    const r = reportedOffset(text.slice(0, n));
    return r === 'ok' || r === 'end' || (typeof r === 'number' && r >= n);
  };
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (startsJson(mid)) good = mid;
    else bad = mid;
  }
  return good;
}

/** A key given twice in one JSON object: where the second one is, and the line of the first. */
interface DuplicateKey {
  readonly key: string;
  readonly line: number;
  readonly column: number;
  readonly firstLine: number;
}

/**
 * The keys given twice in one object of a JSON text that `JSON.parse` accepts (it keeps the last
 * silently). One pass over the text: strings are read whole, and a string followed by `:` is a key.
 */
function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const objects: (Map<string, number> | undefined)[] = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    } else if (c === '{') objects.push(new Map());
    else if (c === '[') objects.push(undefined);
    else if (c === '}' || c === ']') objects.pop();
    else if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      const keys = objects[objects.length - 1];
      if (text[j] === ':' && keys) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        const first = keys.get(key);
        if (first === undefined) keys.set(key, line);
        else found.push({ key, line, column: start - lineStart + 1, firstLine: first });
      }
    }
  }
  return found;
}
