import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PIPE_MODES, PipeMode, RdsEngine } from '../lib/rules/engines';
import { ReplicatedTable } from '../lib/database/setup-sql';

/**
 * The real PostgreSQL and MariaDB servers that scripts/test-databases.sh started for this Jest run
 * (jest.config.js globalSetup), as its .test-db/status.json describes them.
 */
interface ServerStatus {
  readonly ok: boolean;
  readonly reason?: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly psql?: string;
  readonly socket?: string;
}

/** The servers of this Jest project: the cdktn project has its own pair (scripts/test-databases.sh). */
const STATUS_FILE =
  process.env.CLICKPIPES_FRAMEWORK === 'cdktn'
    ? path.join(__dirname, '..', '.test-db', 'cdktn', 'status.json')
    : path.join(__dirname, '..', '.test-db', 'status.json');

function readStatus(): Record<'postgres' | 'mariadb', ServerStatus> {
  try {
    return JSON.parse(fs.readFileSync(STATUS_FILE, 'utf8'));
  } catch (e) {
    const reason = `no ${path.relative(process.cwd(), STATUS_FILE)} (${(e as Error).message}): run scripts/test-databases.sh start`;
    return { postgres: { ok: false, reason }, mariadb: { ok: false, reason } };
  }
}

const inCi = () => process.env.CI === 'true' || process.env.CI === '1';

/**
 * `describe` for tests that need a real server. Without the server, the tests are skipped with the
 * reason in their title, except under CI=true, where a failing test says why: CI must run them.
 */
export function describeWithServer(
  server: 'postgres' | 'mariadb',
  title: string,
  body: (status: ServerStatus) => void,
): void {
  const status = readStatus()[server];
  if (status.ok) {
    describe(title, () => body(status));
  } else if (inCi()) {
    describe(title, () => {
      test(`${server} runs (CI runs the SQL tests against real servers)`, () => {
        throw new Error(`${server} is not running: ${status.reason}`);
      });
    });
  } else {
    describe.skip(`${title} [skipped: ${server} is not running: ${status.reason}]`, () => body(status));
  }
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs psql as the superuser on `database`, with `input` on stdin (psql stops at the first error). */
export function psql(s: ServerStatus, database: string, input: string): RunResult {
  const r = spawnSync(
    s.psql!,
    [
      '-X',
      '-q',
      '-At',
      '-F',
      '\t',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      s.host!,
      '-p',
      String(s.port),
      '-U',
      s.user!,
      '-d',
      database,
    ],
    { input, encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '10' } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The rows of a query, each a list of its text columns. Throws on an error. */
export function pgRows(s: ServerStatus, database: string, query: string): string[][] {
  const r = psql(s, database, query);
  if (r.status !== 0) throw new Error(`psql failed (${r.status}): ${r.stderr}\n${query}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

/**
 * Runs the mariadb client as root over the server's socket, or as `login` over TCP, with `input`
 * on stdin. `force` goes on after errors, as `mysql --force` does.
 */
export function mariadb(
  s: ServerStatus,
  input: string,
  options: { force?: boolean; login?: { user: string; password: string } } = {},
): RunResult {
  const connection = options.login
    ? ['-h', '127.0.0.1', '-P', String(s.port), '-u', options.login.user, `-p${options.login.password}`]
    : ['--socket', s.socket!, '-u', s.user!];
  const args = ['--no-defaults', ...connection, '--batch', '--raw', '--skip-column-names', '--connect-timeout=10'];
  if (options.force) args.push('--force');
  const r = spawnSync('mariadb', args, { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A SQL string literal written by the tests themselves, independent of the code under test. */
export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** One generated setup SQL to run: engine, pipe mode and how the source names what it reads. */
export interface SqlVariant {
  readonly engine: RdsEngine;
  readonly pipeMode: PipeMode;
  readonly form: 'default' | 'schemas' | 'tables';
  readonly schemas?: string[];
  readonly tables?: ReplicatedTable[];
}

/** Every engine × pipe mode × form (the default schemas, `schemas`, `tables`). */
export function sqlVariants(engines: readonly RdsEngine[], schemas: string[], tables: ReplicatedTable[]): SqlVariant[] {
  const forms: Pick<SqlVariant, 'form' | 'schemas' | 'tables'>[] = [
    { form: 'default' },
    { form: 'schemas', schemas },
    { form: 'tables', tables },
  ];
  return engines.flatMap((engine) => PIPE_MODES.flatMap((pipeMode) => forms.map((f) => ({ engine, pipeMode, ...f }))));
}
