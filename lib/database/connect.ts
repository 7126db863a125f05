/**
 * `clickpipes-connect`: a psql / mysql / mariadb command line with an IAM auth token, for a
 * synthesized source (run in its stack folder, where `terraform output` runs) or for flags.
 *
 * Its output is meant for `eval "$(clickpipes-connect …)"`: on success stdout holds only the
 * command; on failure stdout holds nothing (the bin adds `false` when stdout is not a terminal, so
 * that the `eval` fails too) and stderr one line per problem, without a stack trace.
 */
import * as fs from 'fs';
import { ENGINES, RDS_ENGINES, RdsEngine } from '../rules/engines';
import { ClickPipesInputError } from '../errors';
import type { SourceConnectionInfo } from '../app/source-info';
import { DEFAULT_DB_PORTS } from '../rules/ports';
import { dbUserProblem, regionProblem } from '../rules/validation';
import { CA_BUNDLE_URL, ConnectTarget, Credentials, DEFAULT_CA_BUNDLE, authToken, clientCommand } from './auth-token';
import { FoundSource, NO_STATE_HINT, findSource, isTerraformWarning, terraformOutputs } from './stack-sources';

export * from './auth-token';
export { readSources } from './stack-sources';

/** The DNS suffix of RDS endpoints in a region. */
const endpointSuffix = (region: string) =>
  region.startsWith('cn-') ? `.${region}.rds.amazonaws.com.cn` : `.${region}.rds.amazonaws.com`;

/** What Terraform knows of a looked-up database: its endpoint and port (outputs `<source>_db_address`, `…_db_port`). */
export interface KnownDatabase {
  readonly address?: string;
  readonly port?: number;
}

/**
 * What `--check` finds wrong with a target against the synthesized source: the region and user
 * must be the stack's; the port the one the stack sets (a database it creates) or, for a
 * looked-up database, the one Terraform read (`known`); the host an RDS endpoint of that region
 * and, where the stack names the database, of that database (an Aurora cluster's writer endpoint:
 * ClickPipes reads from the writer), and Terraform's address when it knows it.
 */
export function checkTarget(target: ConnectTarget, source: SourceConnectionInfo, known: KnownDatabase = {}): string[] {
  const problems: string[] = [];
  if (target.engine !== source.engine) problems.push(`--engine: ${target.engine}, but the source is ${source.engine}`);
  if (target.region !== source.region)
    problems.push(`--region: ${target.region}, but the stack is in ${source.region}`);
  if (target.user !== source.dbUser)
    problems.push(`--user: ${target.user}, but the source's database user is ${source.dbUser}`);
  if (source.port !== undefined && target.port !== source.port) {
    problems.push(`--port: ${target.port}, but the stack creates the database on port ${source.port}`);
  } else if (known.port !== undefined && target.port !== known.port) {
    problems.push(
      `--port: ${target.port}, but Terraform's ${source.portOutput} is ${known.port}; give --port "$(terraform output -raw ${source.portOutput})"`,
    );
  }
  const host = target.host.toLowerCase();
  const suffix = endpointSuffix(source.region);
  if (known.address !== undefined && host !== known.address.toLowerCase()) {
    problems.push(`--host: ${target.host}, but Terraform's ${source.addressOutput} is ${known.address}`);
  } else if (!host.endsWith(suffix)) {
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
  /** The synthesized output folder, when given (else: the stack folder, or `cdktf.out`). */
  readonly outdir?: string;
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

export const CONNECT_USAGE = `usage: clickpipes-connect --source <name> --host <endpoint> [--port <port>] [--dbname <db>] [--check]
       clickpipes-connect --engine <type> --host <endpoint> --region <region> --user <db user> [--port <port>]

Prints a psql / mysql / mariadb command line that logs in with an IAM auth token (valid 15 minutes),
over TLS verified with the RDS CA bundle, for: eval "$(clickpipes-connect …)". Run it in the stack
folder (cdktf.out/stacks/<stack>, or terraform/stacks/<stack> of an export), where terraform output runs:

  eval "$(npx clickpipes-connect --source orders --host "$(terraform output -raw orders_db_address)" --dbname app --check)"

With --source, the engine, region and user come from the stack's clickpipes/sources.json (from the
project folder: cdktf.out/stacks/*/clickpipes/sources.json).

  --source <name>    an RDS/Aurora source of the config
  --host <endpoint>  the database endpoint (terraform output -raw <source>_db_address)
  --port <port>      default: the port of a database the stack creates, else the engine's
                     (5432 PostgreSQL, 3306 MySQL and MariaDB)
  --dbname <db>      the database to open (psql default: postgres)
  --check            check that host, port, region and user match the stack; for a looked-up database,
                     host and port against Terraform's outputs (terraform output, in the stack folder);
                     exit 1 naming each mismatch
  --token-only       print only the token
  --ca-bundle <path> the RDS CA bundle (default ${DEFAULT_CA_BUNDLE}; ${CA_BUNDLE_URL})
  --stack <stack>    from the project folder: the stack, when several have the source
  --outdir <dir>     the synthesized output folder to read (default: the stack folder, else cdktf.out)
  --engine, --region, --user
                     without --source: ${RDS_ENGINES.join(', ')}; the region; the database user
  -h, --help         this help

AWS credentials come from the default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
SSO, instance role). Exit status: 0 the command printed, 1 a problem (one line each on stderr; stdout
holds \`false\` when it is not a terminal, so that eval fails), 2 a usage error.`;

const VALUE_FLAGS = ['source', 'stack', 'outdir', 'engine', 'host', 'port', 'region', 'user', 'dbname', 'ca-bundle'];

/** A usage error: one line naming the argument, and where the help is. */
export class ConnectUsageError extends Error {
  constructor(what: string) {
    super(`${what}; see clickpipes-connect --help`);
    this.name = 'ConnectUsageError';
  }
}

/** Parses the arguments of `clickpipes-connect`. @throws ConnectUsageError */
export function parseConnectArgs(argv: readonly string[]): ConnectArgs {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let n = 0; n < argv.length; n++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[n]);
    if (!m) throw new ConnectUsageError(`unexpected argument ${JSON.stringify(argv[n])}`);
    const [, name, inline] = m;
    if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? argv[++n];
      if (value === undefined) throw new ConnectUsageError(`--${name} needs a value`);
      values[name] = value;
    } else if (name === 'check' || name === 'token-only') {
      flags.add(name);
    } else {
      throw new ConnectUsageError(`unknown option --${name}`);
    }
  }
  return {
    source: values.source,
    stack: values.stack,
    outdir: values.outdir,
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

/**
 * The target of the arguments: flags win over the synthesized source (so that `--check` can
 * compare them); without a source, engine, host, region and user are required.
 *
 * @param cwd where a relative `--outdir` and the stack folder are
 * @returns the target and the source it was checked against, if any
 * @throws ClickPipesInputError
 */
export function resolveTarget(
  args: ConnectArgs,
  cwd: string = process.cwd(),
): { target: ConnectTarget; found?: FoundSource } {
  const found =
    args.source !== undefined ? findSource(args.source, { cwd, outdir: args.outdir, stack: args.stack }) : undefined;
  const source = found?.info;
  const problems: string[] = [];
  const need = (flag: string, value: string | undefined) => {
    if (value === undefined) problems.push(`--${flag}: missing${source ? '' : ' (give it, or --source)'}`);
    return value ?? '';
  };
  const engine = need('engine', args.engine ?? source?.engine);
  const host = need('host', args.host);
  const region = need('region', args.region ?? source?.region);
  const user = need('user', args.user ?? source?.dbUser);
  if (problems.length) throw new ClickPipesInputError(problems);
  if (!(RDS_ENGINES as readonly string[]).includes(engine)) {
    throw new ClickPipesInputError([`--engine: ${JSON.stringify(engine)} is not one of ${RDS_ENGINES.join(', ')}`]);
  }
  const dialect = ENGINES[engine as RdsEngine].dialect;
  const portText = args.port ?? String(source?.port ?? DEFAULT_DB_PORTS[dialect]);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    problems.push(`--port: ${JSON.stringify(portText)} is not a TCP port`);
  const regionText = regionProblem(region);
  if (regionText) problems.push(`--region: ${regionText}`);
  if (isTerraformWarning(host)) {
    problems.push(
      `--host: Terraform printed a warning ("${/No outputs found/.test(host) ? 'No outputs found' : host.split('\n')[0].trim()}") instead of an address: ${NO_STATE_HINT}`,
    );
  } else if (host === '') {
    problems.push(`--host: empty: ${NO_STATE_HINT}`);
  } else if (/^".*"$/.test(host)) {
    problems.push(
      `--host: ${host} is in quotes, as \`terraform output\` prints strings; use \`terraform output -raw\``,
    );
  } else if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(host))
    problems.push(`--host: ${JSON.stringify(host)} is not a host name`);
  if (problems.length === 0) {
    const userText = dbUserProblem(user, dialect, ENGINES[engine as RdsEngine].maxUserLength);
    if (userText) problems.push(`--user: ${userText}`);
  }
  if (problems.length) throw new ClickPipesInputError(problems);
  return { target: { engine: engine as RdsEngine, host, port, region, user, database: args.database }, found };
}

/** Output of {@link runConnect}. */
export interface ConnectResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const failure = (exitCode: number, lines: readonly string[]): ConnectResult => ({
  exitCode,
  stdout: '',
  stderr: lines.map((l) => `clickpipes-connect: ${l}\n`).join(''),
});

/**
 * `clickpipes-connect`: resolves the target, checks it (`--check`), makes a token and prints the
 * client command (or the token). Problems come back as exit code 1 (2 for usage errors), one line
 * each.
 *
 * @param cwd the working directory: a stack folder, or the project folder
 */
export async function runConnect(
  argv: readonly string[],
  credentials?: Credentials,
  cwd: string = process.cwd(),
): Promise<ConnectResult> {
  if (argv.includes('--help') || argv.includes('-h')) return { exitCode: 0, stdout: `${CONNECT_USAGE}\n`, stderr: '' };
  try {
    if (argv.length === 0) throw new ConnectUsageError('give --source <name> and --host <endpoint>');
    const args = parseConnectArgs(argv);
    if (args.check && args.source === undefined) {
      throw new ClickPipesInputError(['--check: compares with a synthesized source; give --source']);
    }
    const { target, found } = resolveTarget(args, cwd);
    if (args.check) {
      const source = found!.info;
      // The stack knows the port of a database it creates; of a looked-up one, only Terraform does.
      const lookedUp = source.port === undefined && source.portOutput !== undefined && source.addressOutput;
      const known: KnownDatabase = lookedUp
        ? (() => {
            const o = terraformOutputs(found!.stackDir, [source.addressOutput!, source.portOutput!], '--check');
            return { address: String(o[source.addressOutput!]), port: Number(o[source.portOutput!]) };
          })()
        : {};
      const problems = checkTarget(target, source, known);
      if (problems.length)
        return failure(
          1,
          problems.map((p) => `--check: ${p}`),
        );
    }
    const token = await authToken(target, credentials);
    if (args.tokenOnly) return { exitCode: 0, stdout: `${token}\n`, stderr: '' };
    const stderr = fs.existsSync(args.caBundle)
      ? ''
      : `Note: ${args.caBundle} is not here; download the RDS CA bundle: curl -O ${CA_BUNDLE_URL}\n`;
    return { exitCode: 0, stdout: `${clientCommand(target, token, args.caBundle)}\n`, stderr };
  } catch (e) {
    if (e instanceof ConnectUsageError) return failure(2, [e.message]);
    if (ClickPipesInputError.isInputError(e)) return failure(1, e.problems);
    throw e;
  }
}
