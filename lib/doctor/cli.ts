/**
 * `cdktf-clickpipes-aws doctor`: checks every prerequisite of every source of the config in AWS
 * (and with `--connect` in the database) and prints per source a checklist with the fixes.
 *
 * Decisions: sources are checked `--concurrency` at a time (default 8), each source's calls in
 * order, so at most that many AWS calls are in flight; a fault of one call (denied, throttled past
 * the SDK's retries, unreachable) fails that check only. Progress goes to stderr, one line per
 * source done, only when stderr is a terminal and not with `--json` (CI logs and JSON consumers get
 * the report alone). Credentials and tokens are never printed: checks show AWS error names and
 * messages, which carry ARNs but no secrets.
 */
import type { ClickPipesConfig, RdsSourceConfig } from '../config/config';
import { ClickPipesInputError } from '../errors';
import { ENGINES, RdsEngine } from '../rules/engines';
import type { SourceSpec, StackSpec } from '../config/stacks';
import { DOCTOR_USAGE, DoctorArgs, parseDoctorArgs } from './args';
import { AwsOptions, StackClients, stackClientConfig } from './aws';
import { accountCheck, roleChecks } from './check-iam';
import { rdsChecks } from './check-rds';
import { kinesisChecks, mskChecks, s3Checks } from './check-streams';
import { databaseChecks } from './check-database';
import { DatabaseLogin, iamLogin } from './database-login';
import { EngineSupportRule } from './engine-support';
import { ExpectedRole, expectedRoles } from './expected';
import { Check, SourceReport, fail } from './model';
import { mapBounded } from './pool';
import { PolicyDocument } from './policy';
import { renderJson, renderText } from './report';

/** Where the doctor reads and writes; the process's own by default. */
export interface DoctorIo {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Whether to print progress. Default: stderr is a terminal and no `--json`. */
  readonly progress?: boolean;
}

/** What the tests and the bench set: where AWS is, how databases are logged in to, the engine rule. */
export interface DoctorOptions {
  readonly aws?: AwsOptions;
  /** Default: {@link iamLogin} with `--ca-bundle` and the stack's credentials. */
  readonly login?: DatabaseLogin;
  readonly engineRule?: EngineSupportRule;
}

/** Runs the doctor; resolves to the exit code (0 all passed, 1 a check failed or a bad config, 2 bad arguments). */
export async function runDoctor(
  argv: readonly string[],
  io: DoctorIo = {},
  options: DoctorOptions = {},
): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => process.stderr.write(t));
  const args = parseDoctorArgs(argv);
  if ('problem' in args) {
    stderr(`doctor: ${args.problem}\n${DOCTOR_USAGE}\n`);
    return 2;
  }
  if (args.help) {
    stdout(`${DOCTOR_USAGE}\n`);
    return 0;
  }
  let config: ClickPipesConfig;
  let stacks: StackSpec[];
  try {
    // Loaded here: the synth path of main.ts never loads the doctor's modules.
    const { loadConfig } = await import('../app/synth');
    const { configStacks } = await import('../config/stacks');
    config = loadConfig(io.env ?? process.env, io.cwd ?? process.cwd()).config;
    stacks = configStacks(config);
  } catch (e) {
    if (ClickPipesInputError.isInputError(e)) {
      stderr(`Error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const selection = select(stacks, args);
  if ('problem' in selection) {
    stderr(`doctor: ${selection.problem}\n${DOCTOR_USAGE}\n`);
    return 2;
  }
  const progress = io.progress ?? (!args.json && process.stderr.isTTY === true);
  const reports = await checkAll(config, selection.items, args, options, progress ? stderr : undefined);
  stdout(args.json ? renderJson(reports) : renderText(reports));
  return reports.some((r) => r.checks.some((c) => !c.ok)) ? 1 : 0;
}

type Item = { stack: StackSpec; spec: SourceSpec };

function select(stacks: StackSpec[], args: DoctorArgs): { items: Item[] } | { problem: string } {
  for (const name of args.stacks) {
    if (!stacks.some((s) => s.name === name))
      return {
        problem: `--stack ${name}: no such stack in the config; its stacks: ${stacks.map((s) => s.name).join(', ')}`,
      };
  }
  const chosen = args.stacks.length ? stacks.filter((s) => args.stacks.includes(s.name)) : stacks;
  const items = chosen.flatMap((stack) =>
    stack.sources
      .filter((spec) => !args.sources.length || args.sources.includes(spec.source.name))
      .map((spec) => ({ stack, spec })),
  );
  if (args.sources.length && !items.length)
    return { problem: `--source ${args.sources.join(', ')}: no such source in the chosen stacks` };
  return { items };
}

/** Per stack, made once: the clients, the account check, the expected roles. */
interface StackState {
  /** The client config (region, endpoint, credentials: assumed once per role), shared by the clients and the IAM token signer. */
  config: Promise<Record<string, unknown>>;
  clients: Promise<StackClients>;
  account?: Promise<Check>;
  roles?: Record<string, ExpectedRole>;
}

async function checkAll(
  config: ClickPipesConfig,
  items: Item[],
  args: DoctorArgs,
  options: DoctorOptions,
  progress: ((text: string) => void) | undefined,
): Promise<SourceReport[]> {
  const aws = options.aws ?? {};
  const providers = new Map<string, unknown>();
  const states = new Map<string, StackState>();
  const state = (stack: StackSpec): StackState => {
    let s = states.get(stack.name);
    if (!s) {
      const config = stackClientConfig(stack, aws, providers);
      s = { config, clients: config.then((c) => new StackClients(stack.region, c)) };
      states.set(stack.name, s);
    }
    return s;
  };
  let done = 0;
  try {
    return await mapBounded(items, args.concurrency, async ({ stack, spec }) => {
      let checks: Check[];
      try {
        checks = await checkSource(config, stack, spec, state(stack), args, options);
      } catch (e) {
        checks = [
          fail(
            'checks of the source ran',
            'a fault of the doctor: report it with this line',
            (e as Error).message.split('\n')[0],
          ),
        ];
      }
      done++;
      progress?.(
        `[${done}/${items.length}] ${stack.name} / ${spec.source.name} ${checks.every((c) => c.ok) ? '✓' : '✗'}\n`,
      );
      return {
        stack: stack.name,
        source: spec.source.name,
        type: spec.source.type,
        accountId: stack.accountId,
        region: stack.region,
        checks,
      };
    });
  } finally {
    for (const s of states.values()) (await s.clients.catch(() => undefined))?.destroy();
  }
}

async function checkSource(
  config: ClickPipesConfig,
  stack: StackSpec,
  spec: SourceSpec,
  s: StackState,
  args: DoctorArgs,
  options: DoctorOptions,
): Promise<Check[]> {
  const clients = await s.clients;
  s.account ??= accountCheck(stack, clients);
  const account = await s.account;
  // With the wrong account, every other answer would be about someone else's resources.
  if (!account.ok) return [account];
  s.roles ??= expectedRoles(config, stack);
  const expected = s.roles[spec.source.name];
  const checks: Check[] = [account];
  let policies: PolicyDocument[] = [];
  if (expected) {
    const role = await roleChecks(stack, clients, expected);
    checks.push(...role.checks);
    policies = role.policies;
  }
  const source = spec.source;
  const roleName = expected?.roleName ?? '';
  switch (source.type) {
    case 'kinesis':
      return [...checks, ...(await kinesisChecks(source, clients, roleName, policies))];
    case 's3':
      return [...checks, ...(await s3Checks(source, clients, roleName, policies))];
    case 'msk':
      return [...checks, ...(await mskChecks(source, clients))];
  }
  const rds = source as RdsSourceConfig;
  const found = await rdsChecks(rds, stack.name, clients, options.engineRule);
  checks.push(...found.checks);
  if (args.connect) {
    if (!found.endpoint) {
      checks.push(
        fail(
          'database reachable for --connect',
          'the database was not found or has no endpoint yet: fix the lines above first',
        ),
      );
    } else {
      const credentials = ((await s.config) as { credentials?: never }).credentials;
      const login = options.login ?? iamLogin(args.caBundle, credentials);
      const engine = rds.type as RdsEngine;
      checks.push(
        ...(await databaseChecks(
          login,
          {
            engine,
            host: found.endpoint.host,
            port: found.endpoint.port,
            region: stack.region,
            user: spec.dbUser!,
            database: ENGINES[engine].dialect === 'postgres' ? (found.endpoint.dbName ?? 'postgres') : undefined,
          },
          { source: rds, dbUser: spec.dbUser! },
        )),
      );
    }
  }
  return checks;
}
