/**
 * What AWS and ClickPipes support, per engine, engine version and Region: IAM database
 * authentication (AWS RDS and Aurora User Guides) and the lowest PostgreSQL version ClickPipes
 * reads. The facts live in `data/rds-iam-auth-support.json` (source pages and date); the
 * functions take plain values and return a problem sentence or undefined, so that the constructs,
 * the config schema and other tools (a `doctor` command) share one rule.
 */
import data = require('../../data/rds-iam-auth-support.json');
import binlog = require('../../data/rds-binlog-retention.json');
import { ENGINES, RdsEngine, postgresMajor } from './engines';

interface EngineSupport {
  readonly source: 'rds' | 'aurora';
  /** The lowest `major.minor` with IAM DB authentication; none: every version. */
  readonly minimum?: string;
  /** Regions that differ from {@link minimum}: their own minimum, or `none`. */
  readonly regions?: Readonly<Record<string, string>>;
  readonly checkedRegions?: readonly string[];
}

/** The data file `data/rds-iam-auth-support.json`. */
export const RDS_IAM_AUTH_SUPPORT: {
  readonly version: string;
  readonly sources: Readonly<
    Record<string, { readonly title: string; readonly url: string; readonly retrieved: string }>
  >;
  readonly engines: Readonly<Record<RdsEngine, EngineSupport>>;
  readonly regionNames: Readonly<Record<string, string>>;
  readonly clickpipes: { readonly postgresMinimumMajor: number };
} = data as never;

/** The lowest PostgreSQL major version ClickPipes reads (initial load and CDC). */
export const CLICKPIPES_MIN_POSTGRES = RDS_IAM_AUTH_SUPPORT.clickpipes.postgresMinimumMajor;

/** `[major, minor]` of a version string (`10.11.8` → [10, 11], `8.0.mysql_aurora.3.08.0` → [8, 0], `16` → [16, 0]). */
export function majorMinorOf(version: string): [number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}

const below = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The page (title and URL) that states the IAM DB authentication support of an engine. */
export function iamAuthSupportSource(engine: RdsEngine): string {
  const s = RDS_IAM_AUTH_SUPPORT.sources[RDS_IAM_AUTH_SUPPORT.engines[engine].source];
  return `AWS, "${s.title}", ${s.url} (as of ${RDS_IAM_AUTH_SUPPORT.version})`;
}

/**
 * The lowest `major.minor` version of an engine with IAM DB authentication in a Region (any
 * Region when undefined): `none` when the Region has no version at all, undefined when every
 * version has it.
 */
export function iamAuthMinimumVersion(engine: RdsEngine, region?: string): [number, number] | 'none' | undefined {
  const support = RDS_IAM_AUTH_SUPPORT.engines[engine];
  const value = (region !== undefined ? support.regions?.[region] : undefined) ?? support.minimum;
  if (value === undefined) return undefined;
  return value === 'none' ? 'none' : majorMinorOf(value);
}

const regionText = (region: string) => {
  const name = RDS_IAM_AUTH_SUPPORT.regionNames[region];
  return name ? `${name}, ${region}` : region;
};

/**
 * The problem, or undefined, with IAM database authentication for `engine` at `version` (a
 * literal engine version, or undefined when unknown) in `region` (undefined when unknown): AWS
 * does not offer it for every engine version and Region ({@link RDS_IAM_AUTH_SUPPORT}).
 */
export function iamAuthSupportProblem(engine: RdsEngine, version?: string, region?: string): string | undefined {
  const label = ENGINES[engine].label;
  const minimum = iamAuthMinimumVersion(engine, region);
  if (minimum === undefined) return undefined;
  if (minimum === 'none') {
    return (
      `AWS offers IAM database authentication with ${label} in no engine version in ${regionText(region!)} ` +
      `(${iamAuthSupportSource(engine)}); ClickPipes cannot log in with IAM there: use another Region or engine`
    );
  }
  const given = version === undefined ? undefined : majorMinorOf(version);
  if (given === undefined || !below(given, minimum)) return undefined;
  const where =
    region !== undefined && RDS_IAM_AUTH_SUPPORT.engines[engine].regions?.[region] ? ` in ${regionText(region)}` : '';
  return (
    `${JSON.stringify(version)}: AWS offers IAM database authentication with ${label} from ${minimum.join('.')}${where} ` +
    `(${iamAuthSupportSource(engine)}); use ${minimum.join('.')} or later`
  );
}

/**
 * The problem, or undefined, with a literal engine version that ClickPipes does not read:
 * PostgreSQL below {@link CLICKPIPES_MIN_POSTGRES} (ClickHouse docs, "Supported Postgres
 * versions" of the RDS and Aurora source guides), for initial load and CDC alike.
 */
export function clickPipesVersionProblem(engine: RdsEngine, version: string): string | undefined {
  if (ENGINES[engine].dialect !== 'postgres') return undefined;
  const major = postgresMajor(version);
  if (major === undefined || major >= CLICKPIPES_MIN_POSTGRES) return undefined;
  const s = RDS_IAM_AUTH_SUPPORT.sources.clickpipesPostgres;
  return (
    `${JSON.stringify(version)}: ClickPipes reads PostgreSQL ${CLICKPIPES_MIN_POSTGRES} and later ` +
    `(ClickHouse docs, ${s.url}); upgrade the database to ${CLICKPIPES_MIN_POSTGRES} or later`
  );
}

/**
 * Every support problem of a source, in one place for other tools (the `doctor` command): IAM
 * DB authentication for the engine, version and Region, and the version ClickPipes reads.
 */
export function sourceSupportProblems(engine: RdsEngine, version?: string, region?: string): string[] {
  const problems = [iamAuthSupportProblem(engine, version, region)];
  if (version !== undefined) problems.push(clickPipesVersionProblem(engine, version));
  return problems.filter((p): p is string => p !== undefined);
}

/** The longest binary log retention of an engine (`binlog retention hours`), and the page that says so. */
export function maxBinlogRetentionHours(
  engine: RdsEngine,
  version?: string,
): { hours: number; source: string } | undefined {
  const entry = (
    binlog.maxHours as Record<
      string,
      { hours: number; source: string; fromAuroraVersion?: string; olderHours?: number }
    >
  )[engine];
  if (!entry) return undefined;
  const source = (binlog.sources as Record<string, { url: string }>)[entry.source].url;
  // Aurora MySQL versions read "5.7.mysql_aurora.2.10.2": the Aurora part decides.
  const aurora = version === undefined ? undefined : /mysql_aurora\.(\d+)\.(\d+)/.exec(version);
  if (entry.fromAuroraVersion && entry.olderHours && aurora) {
    const [major, minor] = entry.fromAuroraVersion.split('.').map(Number);
    const [a, b] = [Number(aurora[1]), Number(aurora[2])];
    if (a < major || (a === major && b < minor)) return { hours: entry.olderHours, source };
  }
  return { hours: entry.hours, source };
}
