import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What `cdktf synth` needs of this project to build and run the app (see cdktf.json). */
export const APP_FILES = [
  'main.ts',
  'connect.ts',
  'lib',
  'data',
  'tsconfig.json',
  'tsconfig.app.json',
  'cdktf.json',
  'package.json',
  'scripts/app.js',
  'scripts/cdktf.js',
  'scripts/framework.js',
  'scripts/build-cdktn.js',
  'schema',
  'examples',
  'README.md',
];

/**
 * A temporary copy of `files` of the project at `root`, sharing its node_modules by a link:
 * for running the cdktf CLI without touching the project's own dist/ and cdktf.out/.
 */
export function copyProject(root: string, prefix: string, files: readonly string[] = APP_FILES): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
  }
  return dir;
}
