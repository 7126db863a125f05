import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** This project's folder. */
export const ROOT = path.join(__dirname, '..');

/**
 * The package of this Jest project's framework (jest.config.js): this project (cdktf-clickpipes-aws),
 * or its cdktn build (build/cdktn: cdktn-clickpipes-aws), with its name and bins (package.json `bin`).
 */
const PACKAGE_DIR = process.env.CLICKPIPES_FRAMEWORK === 'cdktn' ? path.join(ROOT, 'build', 'cdktn') : ROOT;
const { name: PACKAGE_NAME, bin: BINS } = JSON.parse(
  fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'),
) as {
  name: string;
  bin: Record<string, string>;
};

/**
 * A temporary project of a user who installed this package: a package.json, and a node_modules
 * laid out as npm lays it out, `cdktf-clickpipes-aws` (a link to this project, whose dist/ `npm
 * test` builds) beside its dependencies (links into this project's node_modules) and
 * `node_modules/.bin` with the package's bins. No registry is asked: `npx <bin>` finds the bins there.
 */
export function userProject(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'acme-infra', private: true, dependencies: { [PACKAGE_NAME]: '*' } }, null, 2),
  );
  const modules = path.join(dir, 'node_modules');
  const bin = path.join(modules, '.bin');
  fs.mkdirSync(bin, { recursive: true });
  const shared = path.join(ROOT, 'node_modules');
  for (const entry of fs.readdirSync(shared)) {
    if (entry !== '.bin') fs.symlinkSync(path.join(shared, entry), path.join(modules, entry));
  }
  for (const entry of fs.readdirSync(path.join(shared, '.bin'))) {
    fs.symlinkSync(fs.realpathSync(path.join(shared, '.bin', entry)), path.join(bin, entry));
  }
  fs.symlinkSync(PACKAGE_DIR, path.join(modules, PACKAGE_NAME), 'dir');
  for (const [name, file] of Object.entries(BINS)) {
    fs.symlinkSync(path.join('..', PACKAGE_NAME, file), path.join(bin, name));
    // What npm does for a package's bins when it installs it (tsc writes them without the mode).
    fs.chmodSync(path.join(PACKAGE_DIR, file), 0o755);
  }
  return dir;
}

/** The fenced code blocks of a markdown text: language, text, and the heading they are under. */
export function codeBlocks(markdown: string): { lang: string; code: string; heading: string }[] {
  const blocks: { lang: string; code: string; heading: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const h = /^#+ (.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README: the code block at line ${i + 1} is not closed`);
    blocks.push({ lang: open[1], code: lines.slice(i + 1, end).join('\n') + '\n', heading });
    i = end;
  }
  return blocks;
}
