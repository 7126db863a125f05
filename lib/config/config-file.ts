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
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ClickPipesInputError([`${file}: cannot read the config (${reason})${hint}`]);
  }
  return isYaml(file) ? parseYaml(file, text) : parseJson(file, text);
}

function parseYaml(file: string, text: string): unknown {
  // Loaded only for YAML files: it takes a tenth of the synth of a small config to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseDocument } = require('yaml') as typeof import('yaml');
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
  return doc.toJS();
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
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
