/**
 * Publishing a run's output into its folder (`cdktf.out`, or an export folder) all or nothing.
 *
 * 1. Under the folder's lock ({@link acquireLock}), an interrupted earlier run is rolled back
 *    from its journal and leftover staging folders are removed.
 * 2. The run builds its whole output in a staging folder inside the output folder (so that every
 *    move is a rename on one file system, whatever the folder is: a symlink, a mount point).
 * 3. It writes a journal of every move, then moves the files in one by one (the files they
 *    replace go to the staging folder), then deletes the journal: that is the moment the new
 *    output counts. A run killed before it leaves a journal that the next run rolls back first,
 *    so the folder is always the whole old output or the whole new one.
 *
 * Only what this app wrote is ever moved out: the files listed in the folder's
 * {@link RECORD_FILE} by the last run, and in a stack folder this run writes, files with the
 * names of the app's own (`cdk.tf` after a switch to JSON). Everything else (Terraform state,
 * hand-written files, another tool's stacks) stays where it is.
 */
import * as fs from 'fs';
import * as path from 'path';
import { acquireLock, lockTimeout, removeAbandonedDrafts } from './output-lock';
import { ClickPipesOutputError, outputFault, shownPath } from './output-faults';

/** The file in the output folder that lists what this app wrote, by stack. */
export const RECORD_FILE = 'clickpipes-output.json';
/** The names the app writes in a stack folder: cdktf's JSON or HCL, its metadata, the source files and the diagram. */
export const GENERATED_STACK_FILES = ['cdk.tf.json', 'cdk.tf', 'metadata.json', 'clickpipes', 'diagram.md'];
/** The files of {@link GENERATED_STACK_FILES} that Terraform loads: a stale one is removed even when no record names it. */
export const TERRAFORM_FILES_OF_THE_APP = ['cdk.tf.json', 'cdk.tf', 'metadata.json'];
/** What Terraform keeps in a stack folder; `terraform init` makes it again. */
export const TERRAFORM_WORKING_FILES = ['.terraform', '.terraform.lock.hcl'];
const JOURNAL_FILE = '.clickpipes-journal.json';
const STAGING_PREFIX = '.clickpipes-staging-';

/** {@link RECORD_FILE}: the files of each stack folder, relative to it. */
export interface OutputRecord {
  readonly generator: 'cdktf-clickpipes-aws';
  readonly stacks: Record<string, string[]>;
}

/** The moves of one publish, relative to the output folder; enough to undo them. */
interface Journal {
  readonly staging: string;
  /** New files moved in, each with whether a file stood there before. */
  readonly placed: { readonly file: string; readonly replaced: boolean }[];
  /** Files (or Terraform's folders) moved out. */
  readonly removed: string[];
  /** Folders made for new files, parents first. */
  readonly createdDirs: string[];
  /** Folders removed once empty, children first. */
  readonly removedDirs: string[];
}

/** Options of {@link startPublish}. */
export interface PublishOptions {
  /**
   * The cdktf CLI runs the app: leave the folders of stacks no longer in the config, which the
   * CLI removes itself after the app (it fails if they are gone), and refuse when one of them
   * holds a file that the CLI would delete but this app did not write.
   */
  readonly cdktfCli?: boolean;
  /** `CLICKPIPES_LOCK_TIMEOUT`, and the test-only `CLICKPIPES_TEST_STOP_AT`. */
  readonly env?: NodeJS.ProcessEnv;
  /** The folder paths in messages are relative to. */
  readonly cwd?: string;
  /** Lines for the user about what was kept or cleaned up. */
  readonly notice?: (line: string) => void;
}

const posix = (p: string) => p.split(path.sep).join('/');
const exists = (p: string) => fs.existsSync(p) || isLink(p);
function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
const isDir = (p: string) => fs.existsSync(p) && fs.lstatSync(p).isDirectory();

/** The files below `dir` (recursively), as POSIX paths relative to `base`, sorted. */
export function filesBelow(base: string, dir = ''): string[] {
  const full = path.join(base, dir);
  if (!isDir(full)) return exists(full) && dir ? [dir] : [];
  return fs
    .readdirSync(full)
    .sort()
    .flatMap((e) => filesBelow(base, dir ? `${dir}/${e}` : e));
}

const stackNames = (dir: string) =>
  isDir(path.join(dir, 'stacks'))
    ? fs
        .readdirSync(path.join(dir, 'stacks'))
        .filter((s) => isDir(path.join(dir, 'stacks', s)))
        .sort()
    : [];

/** The {@link RECORD_FILE} of an output folder, if it holds a readable one. */
export function readRecord(outdir: string): OutputRecord | undefined {
  let record: OutputRecord;
  try {
    record = JSON.parse(fs.readFileSync(path.join(outdir, RECORD_FILE), 'utf8')) as OutputRecord;
  } catch {
    return undefined;
  }
  if (record?.generator !== 'cdktf-clickpipes-aws' || typeof record.stacks !== 'object' || !record.stacks)
    return undefined;
  // A hand-edited or damaged record must never reach outside its stack folder.
  const plain = (p: unknown) =>
    typeof p === 'string' &&
    p !== '' &&
    !path.isAbsolute(p) &&
    p.split(/[\\/]/).every((part) => part && part !== '..' && part !== '.');
  const stacks = Object.entries(record.stacks).filter(
    ([stack, files]) => plain(stack) && !/[\\/]/.test(stack) && Array.isArray(files) && files.every(plain),
  );
  return { generator: record.generator, stacks: Object.fromEntries(stacks) };
}

/** The test-only stop points (`CLICKPIPES_TEST_STOP_AT=locked|journal|move:N|commit`): the process stops itself there so that a test can kill it. */
function stopPoint(env: NodeJS.ProcessEnv, point: string): void {
  if (env.CLICKPIPES_TEST_STOP_AT === point) process.kill(process.pid, 'SIGSTOP');
}

/** A publish under way: build the output into {@link fresh}, then {@link commit}; always {@link close}. */
export interface Publication {
  /** The folder to build the new output in (cdktf's `outdir`). */
  readonly fresh: string;
  /** Moves the built output in, all or nothing. */
  commit(): void;
  /** Removes the staging folder and releases the lock. */
  close(): void;
  /** The one-line {@link ClickPipesOutputError} for a filesystem fault of the run, or the error itself. */
  fault(e: unknown): unknown;
}

/**
 * Starts publishing into `outdir` (see the module comment): takes its lock, restores it after an
 * interrupted run, removes leftovers and makes the staging folder.
 *
 * @throws ClickPipesOutputError for a filesystem fault (one line: the path, the reason, the fix)
 *   or another run that keeps the lock
 */
export function startPublish(outdir: string, options: PublishOptions = {}): Publication {
  const env = options.env ?? process.env;
  const notice = options.notice ?? (() => {});
  const fault = (e: unknown) =>
    outputFault(e, `${shownPath(outdir, options.cwd)} is as the last good run left it.`, options.cwd, outdir);
  let release: (() => void) | undefined;
  let staging: string | undefined;
  // A run that fails leaves no output folder where there was none (only the folder itself: not its parents).
  let createdOutdir = !exists(outdir);
  const close = () => {
    try {
      if (staging) fs.rmSync(staging, { recursive: true, force: true });
    } finally {
      release?.();
      release = staging = undefined;
      if (createdOutdir) {
        createdOutdir = false;
        try {
          fs.rmdirSync(outdir);
        } catch {
          // Not empty (another run wrote into it meanwhile) or already gone: leave it.
        }
      }
    }
  };
  try {
    if (exists(outdir) && !isDir(fs.realpathSync(outdir)))
      throw new ClickPipesOutputError(
        `${shownPath(outdir, options.cwd)}: a file stands where the output folder should be; move it away, or write elsewhere (CDKTF_OUTDIR, --out).`,
      );
    fs.mkdirSync(outdir, { recursive: true });
    // A symlinked output folder: work in the folder it points to (renames stay on its file system).
    const real = fs.realpathSync(outdir);
    try {
      fs.accessSync(real, fs.constants.W_OK);
    } catch (e) {
      throw Object.assign(e as Error, { path: outdir });
    }
    release = acquireLock(real, lockTimeout(env), notice, options.cwd);
    stopPoint(env, 'locked');
    recoverOutput(real, notice);
    staging = fs.mkdtempSync(path.join(real, STAGING_PREFIX));
    const fresh = path.join(staging, 'new');
    const journalFile = path.join(real, JOURNAL_FILE);
    const commit = () => {
      let journal: Journal;
      try {
        journal = plan(real, staging!, fresh, { ...options, notice });
        fs.writeFileSync(`${journalFile}.tmp`, JSON.stringify(journal));
        fs.renameSync(`${journalFile}.tmp`, journalFile);
      } catch (e) {
        fs.rmSync(`${journalFile}.tmp`, { force: true });
        throw fault(e);
      }
      stopPoint(env, 'journal');
      try {
        apply(real, journal, env);
      } catch (e) {
        try {
          rollBack(real, journal);
          fs.rmSync(journalFile);
        } catch {
          // The journal and the files it names in the staging folder are what the next run restores from.
          staging = undefined;
          throw outputFault(e, `The next run restores ${shownPath(outdir, options.cwd)} first.`, options.cwd, outdir);
        }
        throw fault(e);
      }
      fs.rmSync(journalFile);
      createdOutdir = false;
      stopPoint(env, 'commit');
    };
    return { fresh, commit, close, fault };
  } catch (e) {
    close();
    throw fault(e);
  }
}

/**
 * Publishes into `outdir` what `build` writes into the folder it is given ({@link startPublish},
 * then {@link Publication.commit}), for a synchronous build (the synth) or an asynchronous one
 * (the export, which formats HCL). Whatever fails leaves `outdir` as the last good run left it;
 * a filesystem fault is one line.
 */
export function publishBuilt<T>(outdir: string, options: PublishOptions, build: (fresh: string) => T): T {
  const publication = startPublish(outdir, options);
  const commit = (value: Awaited<T>) => (publication.commit(), value);
  let built: T;
  try {
    built = build(publication.fresh);
  } catch (e) {
    publication.close();
    throw publication.fault(e);
  }
  if (built instanceof Promise)
    return built
      .then(commit, (e: unknown) => {
        throw publication.fault(e);
      })
      .finally(publication.close) as T;
  try {
    return commit(built as Awaited<T>);
  } finally {
    publication.close();
  }
}

/** Writes {@link RECORD_FILE} into a freshly built output: its stacks and their files. */
export function writeRecord(fresh: string): void {
  const stacks = Object.fromEntries(stackNames(fresh).map((s) => [s, filesBelow(path.join(fresh, 'stacks', s))]));
  const record: OutputRecord = { generator: 'cdktf-clickpipes-aws', stacks };
  fs.writeFileSync(path.join(fresh, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** The moves that make `outdir` hold the output in `fresh`, removing only what the app wrote. */
function plan(outdir: string, staging: string, fresh: string, options: PublishOptions): Journal {
  const record = readRecord(outdir);
  const newFiles = filesBelow(fresh);
  const newSet = new Set(newFiles);
  const newStacks = stackNames(fresh);
  const removed = new Set<string>();
  const ours = (stack: string) => [
    ...(record?.stacks[stack] ?? []),
    // Without a record (output of an earlier version), the files Terraform would load twice.
    ...TERRAFORM_FILES_OF_THE_APP.filter((f) => exists(path.join(outdir, 'stacks', stack, f))),
  ];
  const removable = (stack: string, file: string) => {
    const rel = `stacks/${stack}/${file}`;
    if (!newSet.has(rel) && exists(path.join(outdir, rel)) && !isDir(path.join(outdir, rel))) removed.add(rel);
  };
  for (const stack of newStacks) for (const file of ours(stack)) removable(stack, file);
  const gone = stackNames(outdir).filter((s) => !newStacks.includes(s));
  if (options.cdktfCli) refuseForeignFilesIn(outdir, gone, record, options.cwd);
  else for (const stack of gone) removeStack(outdir, stack, record, removed, options.notice);
  const createdDirs = new Set<string>();
  const inTheWay = (rel: string, what: string) =>
    new ClickPipesOutputError(
      `${shownPath(path.join(outdir, rel), options.cwd)}: ${what}; move it away and run again. Nothing was written.`,
    );
  for (const file of newFiles) {
    const parts = file.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!exists(path.join(outdir, dir))) createdDirs.add(dir);
      else if (!isDir(path.join(outdir, dir))) throw inTheWay(dir, 'a file stands where the app writes a folder');
    }
    if (isDir(path.join(outdir, file))) throw inTheWay(file, 'a folder stands where the app writes a file');
  }
  return {
    staging: path.basename(staging),
    placed: newFiles.map((file) => ({ file, replaced: exists(path.join(outdir, file)) })),
    removed: [...removed].sort(),
    createdDirs: [...createdDirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)),
    removedDirs: emptiedDirs(outdir, removed, newSet),
  };
}

/**
 * Plans the removal of a stack no longer in the config: the files the app wrote there; then,
 * when only Terraform's working files are left, those too (so that the folder goes). A folder
 * the app did not write, or files in it that it did not write, stay, with a line that says so.
 */
function removeStack(
  outdir: string,
  stack: string,
  record: OutputRecord | undefined,
  removed: Set<string>,
  notice: ((line: string) => void) | undefined,
): void {
  const written = record?.stacks[stack];
  if (!written) {
    notice?.(`stacks/${stack} is not a stack of this config and this app did not write it; left as it is.`);
    return;
  }
  const folder = path.join(outdir, 'stacks', stack);
  for (const file of written)
    if (exists(path.join(folder, file)) && !isDir(path.join(folder, file))) removed.add(`stacks/${stack}/${file}`);
  const rest = filesBelow(folder).filter(
    (f) => !removed.has(`stacks/${stack}/${f}`) && !TERRAFORM_WORKING_FILES.includes(f.split('/')[0]),
  );
  if (rest.length) {
    notice?.(
      `stacks/${stack} is no longer in the config; kept its files that this app did not write: ${rest.join(', ')}`,
    );
    return;
  }
  for (const f of TERRAFORM_WORKING_FILES) if (exists(path.join(folder, f))) removed.add(`stacks/${stack}/${f}`);
}

/** The folders below `stacks/` that the removals leave empty and no new file goes into, children first. */
function emptiedDirs(outdir: string, removed: Set<string>, newFiles: Set<string>): string[] {
  const candidates = new Set<string>();
  for (const file of removed) {
    const parts = file.split('/');
    for (let i = 2; i < parts.length; i++) candidates.add(parts.slice(0, i).join('/'));
  }
  const used = (dir: string) => [...newFiles].some((f) => f.startsWith(`${dir}/`));
  const emptied = new Set<string>();
  const sorted = [...candidates].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  for (const dir of sorted) {
    if (used(dir)) continue;
    const entries = fs.readdirSync(path.join(outdir, dir)).map((e) => `${dir}/${e}`);
    if (entries.every((e) => removed.has(e) || emptied.has(e))) emptied.add(dir);
  }
  return sorted.filter((d) => emptied.has(d));
}

/**
 * Under the cdktf CLI: the CLI deletes every stack folder that is not in the new output. Refuse
 * when one holds a file that neither this app nor Terraform made (state, notes), before anything
 * is written, so that nothing of the user's is lost.
 */
function refuseForeignFilesIn(
  outdir: string,
  gone: string[],
  record: OutputRecord | undefined,
  cwd: string | undefined,
): void {
  for (const stack of gone) {
    const known = new Set(record?.stacks[stack] ?? []);
    const foreign = filesBelow(path.join(outdir, 'stacks', stack)).filter(
      (f) => !known.has(f) && ![...GENERATED_STACK_FILES, ...TERRAFORM_WORKING_FILES].includes(f.split('/')[0]),
    );
    if (foreign.length)
      throw new ClickPipesOutputError(
        `${shownPath(path.join(outdir, 'stacks', stack, foreign[0]), cwd)}: stack ${stack} is no longer in the config, and the cdktf CLI ` +
          `deletes its folder after the synth, with this file that the app did not write${foreign.length > 1 ? ` (and ${foreign.length - 1} more)` : ''}; ` +
          `move it out of ${shownPath(outdir, cwd)}, then run again. Nothing was written.`,
      );
  }
}

/** Carries out a journal's moves; `CLICKPIPES_TEST_STOP_AT=move:N` stops after the Nth. */
function apply(outdir: string, journal: Journal, env: NodeJS.ProcessEnv): void {
  const staging = path.join(outdir, journal.staging);
  let moves = 0;
  const moved = () => stopPoint(env, `move:${++moves}`);
  const backUp = (file: string) => {
    const to = path.join(staging, 'old', file);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(path.join(outdir, file), to);
    moved();
  };
  for (const dir of journal.createdDirs) fs.mkdirSync(path.join(outdir, dir));
  for (const { file, replaced } of journal.placed) {
    if (replaced) backUp(file);
    fs.renameSync(path.join(staging, 'new', file), path.join(outdir, file));
    moved();
  }
  for (const file of journal.removed) backUp(file);
  for (const dir of journal.removedDirs) fs.rmdirSync(path.join(outdir, dir));
}

/** Undoes whatever part of a journal's moves was carried out. Running it twice does no harm. */
function rollBack(outdir: string, journal: Journal): void {
  const staging = path.join(outdir, journal.staging);
  const restore = (file: string) => {
    const backup = path.join(staging, 'old', file);
    if (!exists(backup)) return false;
    fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
    if (isDir(path.join(outdir, file))) fs.rmSync(path.join(outdir, file), { recursive: true });
    fs.renameSync(backup, path.join(outdir, file));
    return true;
  };
  for (const dir of [...journal.removedDirs].reverse()) fs.mkdirSync(path.join(outdir, dir), { recursive: true });
  for (const file of journal.removed) restore(file);
  for (const { file, replaced } of journal.placed) {
    if (restore(file) || replaced) continue;
    // A new file that stood nowhere before: remove it once it has been moved in.
    if (!exists(path.join(staging, 'new', file))) fs.rmSync(path.join(outdir, file), { force: true });
  }
  for (const dir of [...journal.createdDirs].reverse()) {
    try {
      fs.rmdirSync(path.join(outdir, dir));
    } catch {
      // Not empty (a file of the user's), or already gone.
    }
  }
}

/**
 * Brings `outdir` back to a whole output after an interrupted run: rolls back a journal left by
 * a run killed while moving files in, and removes leftover staging folders and lock drafts. The
 * caller holds the lock.
 */
export function recoverOutput(outdir: string, notice: (line: string) => void = () => {}): void {
  const journalFile = path.join(outdir, JOURNAL_FILE);
  if (exists(journalFile)) {
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as Journal;
    } catch {
      // Killed while writing it (the .tmp was never renamed), or damaged: nothing was moved yet.
    }
    if (journal) rollBack(outdir, journal);
    fs.rmSync(journalFile);
    notice(`Restored ${posix(path.basename(outdir))} as the last good run left it (the run after it was interrupted).`);
  }
  fs.rmSync(`${journalFile}.tmp`, { force: true });
  for (const name of fs.readdirSync(outdir))
    if (name.startsWith(STAGING_PREFIX)) fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
  removeAbandonedDrafts(outdir);
  // Staging folders of earlier versions of this app, beside the output folder.
  const parent = path.dirname(outdir);
  const base = path.basename(outdir);
  for (const name of fs.readdirSync(parent))
    if (name.startsWith(`.${base}.new-`) || name.startsWith(`.${base}.export-`))
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
}

/** Whether `outdir` holds the journal of an interrupted run (its content may be a mix until the next run). */
export function interruptedRunIn(outdir: string): boolean {
  return exists(path.join(outdir, JOURNAL_FILE));
}
