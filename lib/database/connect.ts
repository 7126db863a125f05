import * as fs from 'fs';
import * as path from 'path';
import type { SignerConfig } from '@aws-sdk/rds-signer';
import { ENGINES, RDS_ENGINES, RdsEngine } from '../rules/engines';
import { ClickPipesInputError } from '../errors';
import { SOURCES_FILE, SOURCE_FILES_DIR, SourceConnectionInfo } from '../app/source-files';

/** AWS credentials, or a provider of them (the default chain when not given). */
export type Credentials = SignerConfig['credentials'];
import { dbUserProblem, regionProblem } from '../rules/validation';

/** Where to connect, as the IAM auth token and the client command need it. */
export interface ConnectTarget {
  readonly engine: RdsEngine;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly user: string;
  /** PostgreSQL database name (psql's `dbname`). */
  readonly database?: string;
}

/** The RDS CA bundle the client verifies the server with (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
export const DEFAULT_CA_BUNDLE = 'global-bundle.pem';
export const CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

/**
 * An IAM database authentication token for `target`, made by `@aws-sdk/rds-signer` (a SigV4
 * presigned `rds-db` `connect` request for the user, valid 15 minutes) from `credentials`, or from
 * the default credential chain (environment, profile, instance role) when none are given.
 */
export async function authToken(
  target: Pick<ConnectTarget, 'host' | 'port' | 'region' | 'user'>,
  credentials?: Credentials,
): Promise<string> {
  // Loaded here, not at the top: the library's main entry must not pull in the AWS SDK.
  const { Signer } = await import('@aws-sdk/rds-signer');
  const signer = new Signer({
    hostname: target.host,
    port: target.port,
    region: target.region,
    username: target.user,
    ...(credentials ? { credentials } : {}),
  });
  return signer.getAuthToken();
}

/** A word for a POSIX shell: as it is when safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The client command line that logs in with `token` over TLS with server verification, as the AWS
 * article on IAM database authentication does by hand: `psql` with `sslmode=verify-full` and the
 * RDS CA bundle; `mysql` with `--ssl-mode=VERIFY_IDENTITY` and `--enable-cleartext-plugin` (the
 * token is sent as a password); MariaDB's `mariadb` client with `--ssl-verify-server-cert`.
 */
export function clientCommand(target: ConnectTarget, token: string, caBundle = DEFAULT_CA_BUNDLE): string {
  if (ENGINES[target.engine].dialect === 'postgres') {
    const conninfo = [
      `host=${target.host}`,
      `port=${target.port}`,
      `dbname=${target.database ?? 'postgres'}`,
      `user=${target.user}`,
      'sslmode=verify-full',
      `sslrootcert=${caBundle}`,
    ].join(' ');
    return `PGPASSWORD=${shellWord(token)} psql ${shellWord(conninfo)}`;
  }
  const tls =
    target.engine === 'rds-mariadb'
      ? ['mariadb', `--ssl-ca=${caBundle}`, '--ssl-verify-server-cert']
      : ['mysql', `--ssl-ca=${caBundle}`, '--ssl-mode=VERIFY_IDENTITY'];
  return [
    tls[0],
    `--host=${target.host}`,
    `--port=${target.port}`,
    `--user=${target.user}`,
    `--password=${token}`,
    '--enable-cleartext-plugin',
    ...tls.slice(1),
    ...(target.database ? [target.database] : []),
  ]
    .map(shellWord)
    .join(' ');
}

/** The `clickpipes/sources.json` of a synthesized stack. */
export function readSources(outdir: string, stack: string): Record<string, SourceConnectionInfo> {
  const file = path.join(outdir, 'stacks', stack, SOURCE_FILES_DIR, SOURCES_FILE);
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { sources: Record<string, SourceConnectionInfo> }).sources;
  } catch (e) {
    throw new ClickPipesInputError([
      `--stack ${stack}: cannot read ${file} (${(e as Error).message}); synthesize first (npm run synth)`,
    ]);
  }
}

/** The DNS suffix of RDS endpoints in a region. */
const endpointSuffix = (region: string) =>
  region.startsWith('cn-') ? `.${region}.rds.amazonaws.com.cn` : `.${region}.rds.amazonaws.com`;

/**
 * What `--check` finds wrong with a target against the synthesized source: the region and user
 * must be the stack's, the port the one the stack sets, the host an RDS endpoint of that region
 * and, where the stack names the database, of that database (an Aurora cluster's writer endpoint:
 * ClickPipes reads from the writer).
 */
export function checkTarget(target: ConnectTarget, source: SourceConnectionInfo): string[] {
  const problems: string[] = [];
  if (target.engine !== source.engine) problems.push(`--engine: ${target.engine}, but the source is ${source.engine}`);
  if (target.region !== source.region)
    problems.push(`--region: ${target.region}, but the stack is in ${source.region}`);
  if (target.user !== source.dbUser)
    problems.push(`--user: ${target.user}, but the source's database user is ${source.dbUser}`);
  if (source.port !== undefined && target.port !== source.port) {
    problems.push(`--port: ${target.port}, but the stack creates the database on port ${source.port}`);
  }
  const host = target.host.toLowerCase();
  const suffix = endpointSuffix(source.region);
  if (!host.endsWith(suffix)) {
    problems.push(
      `--host: ${target.host} is not an RDS endpoint in ${source.region} (expected a name ending in ${suffix})`,
    );
  } else if (source.identifier !== undefined) {
    const [first, second] = host.slice(0, -suffix.length).split('.');
    if (first !== source.identifier) {
      problems.push(`--host: ${target.host} is not an endpoint of ${source.identifier} (its first label is ${first})`);
    }
    const cluster = ENGINES[source.engine].kind === 'cluster';
    if (cluster && !/^cluster-[a-z0-9]+$/.test(second ?? '')) {
      problems.push(
        `--host: ${target.host} is not the writer (cluster) endpoint of Aurora cluster ${source.identifier}` +
          `${/^cluster-ro-/.test(second ?? '') ? ' but its reader endpoint' : ''}; ClickPipes connects to the writer: ${source.identifier}.cluster-…${suffix}`,
      );
    }
  }
  return problems;
}

/** The command line of `clickpipes-connect`, parsed. */
export interface ConnectArgs {
  readonly source?: string;
  readonly stack?: string;
  readonly outdir: string;
  readonly engine?: string;
  readonly host?: string;
  readonly port?: string;
  readonly region?: string;
  readonly user?: string;
  readonly database?: string;
  readonly caBundle: string;
  readonly check: boolean;
  readonly tokenOnly: boolean;
}

export const CONNECT_USAGE = `usage: clickpipes-connect --source <name> [--stack <account>] --host <endpoint> [--port <port>] [--dbname <db>] [--check]
       clickpipes-connect --engine <type> --host <endpoint> --port <port> --region <region> --user <db user> [--dbname <db>]

Prints a psql / mysql / mariadb command line that logs in with an IAM auth token (15 minutes), over
TLS verified with the RDS CA bundle. AWS credentials come from the default chain (environment,
profile, instance role). With --source, the engine, region, user (and the port of a database the stack
creates) come from the synthesized stack (cdktf.out/stacks/<account>/clickpipes/sources.json); take the
host from Terraform: --host "$(terraform output -raw <source>_db_address)".

  --check            check that host, port, region and user match the synthesized source; exit 1 if not
  --token-only       print only the token
  --ca-bundle <path> the RDS CA bundle (default ${DEFAULT_CA_BUNDLE}; ${CA_BUNDLE_URL})
  --outdir <dir>     the synthesized output (default cdktf.out)`;

const VALUE_FLAGS = ['source', 'stack', 'outdir', 'engine', 'host', 'port', 'region', 'user', 'dbname', 'ca-bundle'];

/** Parses the arguments of `clickpipes-connect`. @throws ClickPipesInputError */
export function parseConnectArgs(argv: readonly string[]): ConnectArgs {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let n = 0; n < argv.length; n++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[n]);
    if (!m) throw new ClickPipesInputError([`unexpected argument ${JSON.stringify(argv[n])}`]);
    const [, name, inline] = m;
    if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? argv[++n];
      if (value === undefined) throw new ClickPipesInputError([`--${name}: missing value`]);
      values[name] = value;
    } else if (name === 'check' || name === 'token-only') {
      flags.add(name);
    } else {
      throw new ClickPipesInputError([`unknown option --${name}`]);
    }
  }
  return {
    source: values.source,
    stack: values.stack,
    outdir: values.outdir ?? 'cdktf.out',
    engine: values.engine,
    host: values.host,
    port: values.port,
    region: values.region,
    user: values.user,
    database: values.dbname,
    caBundle: values['ca-bundle'] ?? DEFAULT_CA_BUNDLE,
    check: flags.has('check'),
    tokenOnly: flags.has('token-only'),
  };
}

/** Finds a source in the synthesized stacks (all of them, or `stack`). */
function findSource(args: ConnectArgs): SourceConnectionInfo {
  const stacksDir = path.join(args.outdir, 'stacks');
  const stacks = args.stack
    ? [args.stack]
    : fs.existsSync(stacksDir)
      ? fs.readdirSync(stacksDir).filter((s) => fs.existsSync(path.join(stacksDir, s, SOURCE_FILES_DIR, SOURCES_FILE)))
      : [];
  if (stacks.length === 0) {
    throw new ClickPipesInputError([
      `--source ${args.source}: no synthesized stacks in ${stacksDir}; synthesize first (npm run synth)`,
    ]);
  }
  const found = stacks.flatMap((stack) => {
    const info = readSources(args.outdir, stack)[args.source!];
    return info ? [{ stack, info }] : [];
  });
  if (found.length === 0) {
    throw new ClickPipesInputError([`--source ${args.source}: no such source in stack(s) ${stacks.join(', ')}`]);
  }
  if (found.length > 1) {
    throw new ClickPipesInputError([
      `--source ${args.source}: in stacks ${found.map((f) => f.stack).join(' and ')}; name one with --stack`,
    ]);
  }
  return found[0].info;
}

/**
 * The target of the arguments: flags win over the synthesized source (so that `--check` can
 * compare them); without a source, every flag is required.
 *
 * @returns the target and the source it was checked against, if any
 * @throws ClickPipesInputError
 */
export function resolveTarget(args: ConnectArgs): { target: ConnectTarget; source?: SourceConnectionInfo } {
  const source = args.source !== undefined ? findSource(args) : undefined;
  const problems: string[] = [];
  const need = (flag: string, value: string | undefined) => {
    if (value === undefined) problems.push(`--${flag}: missing${source ? '' : ' (give it, or --source)'}`);
    return value ?? '';
  };
  const engine = need('engine', args.engine ?? source?.engine);
  const host = need('host', args.host);
  const portText = need('port', args.port ?? (source?.port !== undefined ? String(source.port) : undefined));
  const region = need('region', args.region ?? source?.region);
  const user = need('user', args.user ?? source?.dbUser);
  if (problems.length) throw new ClickPipesInputError(problems);
  if (!(RDS_ENGINES as readonly string[]).includes(engine)) {
    problems.push(`--engine: ${JSON.stringify(engine)} is not one of ${RDS_ENGINES.join(', ')}`);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    problems.push(`--port: ${JSON.stringify(portText)} is not a TCP port`);
  const regionText = regionProblem(region);
  if (regionText) problems.push(`--region: ${regionText}`);
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host))
    problems.push(`--host: ${JSON.stringify(host)} is not a host name`);
  if (problems.length === 0) {
    const userText = dbUserProblem(
      user,
      ENGINES[engine as RdsEngine].dialect,
      ENGINES[engine as RdsEngine].maxUserLength,
    );
    if (userText) problems.push(`--user: ${userText}`);
  }
  if (problems.length) throw new ClickPipesInputError(problems);
  return { target: { engine: engine as RdsEngine, host, port, region, user, database: args.database }, source };
}

/** Output of {@link runConnect}. */
export interface ConnectResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `clickpipes-connect`: resolves the target, checks it (`--check`), makes a token and prints the
 * client command (or the token). User errors come back as exit code 1 with the message.
 */
export async function runConnect(argv: readonly string[], credentials?: Credentials): Promise<ConnectResult> {
  if (argv.includes('--help') || argv.length === 0)
    return { exitCode: argv.length ? 0 : 2, stdout: `${CONNECT_USAGE}\n`, stderr: '' };
  try {
    const args = parseConnectArgs(argv);
    if (args.check && args.source === undefined) {
      throw new ClickPipesInputError(['--check: compares with a synthesized source; give --source']);
    }
    const { target, source } = resolveTarget(args);
    if (args.check) {
      const problems = checkTarget(target, source!);
      if (problems.length)
        return { exitCode: 1, stdout: '', stderr: `Check failed:\n  - ${problems.join('\n  - ')}\n` };
    }
    const token = await authToken(target, credentials);
    if (args.tokenOnly) return { exitCode: 0, stdout: `${token}\n`, stderr: '' };
    const stderr = fs.existsSync(args.caBundle)
      ? ''
      : `Note: ${args.caBundle} is not here; download the RDS CA bundle: curl -O ${CA_BUNDLE_URL}\n`;
    return { exitCode: 0, stdout: `${clientCommand(target, token, args.caBundle)}\n`, stderr };
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) return { exitCode: 1, stdout: '', stderr: `Error: ${e.message}\n` };
    throw e;
  }
}
