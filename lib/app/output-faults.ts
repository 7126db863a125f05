/**
 * Faults of the filesystem while the app reads or writes its output, as one line each: the path
 * (relative to the working directory), what went wrong and what to do.
 */
import * as path from 'path';

/** A fault writing or reading output: printed as one line, exit 1, no stack trace. */
export class ClickPipesOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClickPipesOutputError';
  }

  /** Whether `e` is an output fault (also across copies of this package). */
  public static isOutputError(e: unknown): e is ClickPipesOutputError {
    return e instanceof Error && e.name === 'ClickPipesOutputError';
  }
}

/** What a filesystem error code means here, and the fix. */
const REASONS: Record<string, [reason: string, fix: string]> = {
  EACCES: ['permission denied', 'give this user access to it, or write elsewhere (CDKTF_OUTDIR, --out)'],
  EPERM: ['operation not permitted', 'make it writable for this user, or write elsewhere (CDKTF_OUTDIR, --out)'],
  EROFS: ['read-only file system', 'write to a writable folder (CDKTF_OUTDIR, --out)'],
  ENOSPC: ['no space left on the device', 'free some space and run again'],
  EDQUOT: ['disk quota exceeded', 'free some space and run again'],
  ENOTDIR: ['a file stands where a folder is needed', 'move that file away and run again'],
  EISDIR: ['a folder stands where a file is needed', 'move that folder away and run again'],
  EEXIST: ['already exists', 'move it away and run again'],
  ENAMETOOLONG: ['the path is too long', 'use a shorter output folder'],
  ELOOP: ['too many symbolic links', 'point the output folder at a real folder'],
  EMFILE: ['too many open files', 'raise the open file limit (ulimit -n) and run again'],
  EIO: ['input/output error', 'check the disk and run again'],
  ENOENT: ['no such file or folder', 'check that the folder exists and that no other program removes it'],
  EBUSY: ['busy (a mount point or a file in use)', 'close what uses it and run again'],
  EXDEV: ['crosses file systems', 'keep the output folder on one file system'],
};

/** The `code` and `path` of a Node.js filesystem error, if `e` is one. */
export function fsErrorOf(e: unknown): { code: string; path?: string } | undefined {
  if (!(e instanceof Error)) return undefined;
  const { code, path: p, dest } = e as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || !(code in REASONS)) return undefined;
  // A rename names both ends; the one that failed is the destination when it is a folder problem.
  return { code, path: code === 'ENOTDIR' || code === 'EISDIR' ? (dest ?? p) : (p ?? dest) };
}

/** A path as the user reads it: relative to `cwd` when below it. */
export function shownPath(file: string, cwd: string = process.cwd()): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/**
 * The one-line {@link ClickPipesOutputError} for a filesystem error, or `e` itself when it is not
 * one. `state` says what became of the output (e.g. "cdktf.out is as the last good synth left it").
 */
export function outputFault(e: unknown, state: string, cwd?: string, folder?: string): unknown {
  if (ClickPipesOutputError.isOutputError(e)) return e;
  const fault = fsErrorOf(e);
  if (!fault) return e;
  const [reason, fix] = REASONS[fault.code];
  // A failed write names no path: the folder being written is where to look.
  const at = fault.path ?? folder;
  const where = at ? `${shownPath(at, cwd)}: ` : '';
  return new ClickPipesOutputError(`${where}${reason} (${fault.code}); ${fix}. ${state}`);
}
