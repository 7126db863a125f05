/**
 * The one place where the doctor asks whether an engine version can serve a ClickPipes source.
 *
 * Today it applies the rules of lib/rules/engines.ts and lib/database/cdc-prerequisites.ts (version
 * form, PostgreSQL 11+ for CDC over IAM, binlog_row_metadata for MySQL/MariaDB CDC). The table of
 * engines, versions and Regions with IAM database authentication (issue 12) plugs in here: replace
 * the body of {@link engineSupportProblem}, or pass another rule to the doctor's RDS check.
 */
import { MIN_POSTGRES_FOR_IAM_CDC, PipeMode, RdsEngine, engineVersionProblem, postgresMajor } from '../rules/engines';
import { cdcEngineVersionProblem } from '../database/cdc-prerequisites';

/** The problem with an engine version for a source in a region, with the fix; undefined when it is supported. */
export type EngineSupportRule = (
  engine: RdsEngine,
  version: string,
  pipeMode: PipeMode,
  region: string,
) => string | undefined;

export const engineSupportProblem: EngineSupportRule = (engine, version, pipeMode) => {
  const form = engineVersionProblem(engine, version);
  if (form) return form;
  if (pipeMode !== 'cdc') return undefined;
  const major = postgresMajor(version);
  if (engine.endsWith('postgres') && major !== undefined && major < MIN_POSTGRES_FOR_IAM_CDC)
    return `"cdc" over IAM authentication needs PostgreSQL ${MIN_POSTGRES_FOR_IAM_CDC} or later (rds.iam_auth_for_replication), but the engine version is "${version}"; upgrade the database`;
  return cdcEngineVersionProblem(engine, version);
};
