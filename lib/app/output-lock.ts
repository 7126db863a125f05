/**
 * One writer at a time per output folder: a lock file created with a hard link (atomic: only
 * one process can create it), holding the writer's process ID and host. A lock whose process
 * has ended (a killed run) is taken over.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClickPipesOutputError, shownPath } from './output-faults';

/** The lock file in the output folder. */
export const LOCK_FILE = '.clickpipes.lock';
/** How long a run waits for another one writing the same folder, in seconds, unless `CLICKPIPES_LOCK_TIMEOUT` says otherwise. */
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 120;

interface Holder {
  readonly pid: number;
  readonly host: string;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a lock (or a lock being made) was left by a process of this host that has ended. */
const abandoned = (holder: Holder | undefined) => !holder || (holder.host === os.hostname() && !alive(holder.pid));

/**
 * Takes the lock of `dir`, waiting up to `timeoutSeconds` for another run to finish, and
 * returns the function that releases it.
 *
 * @throws ClickPipesOutputError when another run still holds it after the wait
 */
export function acquireLock(
  dir: string,
  timeoutSeconds: number,
  notice: (line: string) => void = () => {},
  cwd?: string,
): () => void {
  const lock = path.join(dir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, host: os.hostname() };
  // Written whole first, then linked: the lock file is never seen half-written.
  const draft = `${lock}.${process.pid}`;
  fs.writeFileSync(draft, JSON.stringify(mine));
  const deadline = Date.now() + timeoutSeconds * 1000;
  let waitingSaid = false;
  try {
    for (;;) {
      try {
        fs.linkSync(draft, lock);
        return () => {
          if (readHolder(lock)?.pid === process.pid) fs.rmSync(lock, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(lock);
      if (abandoned(holder)) {
        // A killed run's lock. (Two runs that both find it may both remove it; the window is one
        // read and one unlink long, and the second remove then finds nothing.)
        fs.rmSync(lock, { force: true });
        notice(`Removed the lock of an interrupted run${holder ? ` (process ${holder.pid})` : ''}.`);
        continue;
      }
      if (Date.now() >= deadline)
        throw new ClickPipesOutputError(
          `${shownPath(lock, cwd)}: another run (process ${holder!.pid} on ${holder!.host}) is writing ${shownPath(dir, cwd)}; ` +
            `wait for it to finish and run again (or raise CLICKPIPES_LOCK_TIMEOUT, now ${timeoutSeconds} s). Nothing was written.`,
        );
      if (!waitingSaid) notice(`Waiting for process ${holder!.pid}, which is writing ${shownPath(dir, cwd)}…`);
      waitingSaid = true;
      sleep(100);
    }
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** Removes the lock drafts of ended processes (`.clickpipes.lock.<pid>`), left by runs killed while taking the lock. */
export function removeAbandonedDrafts(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const pid = /^\.clickpipes\.lock\.(\d+)$/.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && !alive(Number(pid))) fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** `CLICKPIPES_LOCK_TIMEOUT` in seconds, else {@link DEFAULT_LOCK_TIMEOUT_SECONDS}. */
export function lockTimeout(env: NodeJS.ProcessEnv): number {
  const raw = env.CLICKPIPES_LOCK_TIMEOUT;
  if (raw === undefined || raw === '') return DEFAULT_LOCK_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new ClickPipesOutputError(
      `CLICKPIPES_LOCK_TIMEOUT: expected a number of seconds (0 or more), got ${JSON.stringify(raw)}. Nothing was written.`,
    );
  return seconds;
}
