/**
 * The one place where the doctor asks whether an engine version can serve a ClickPipes source:
 * the same rules as the synth. The version's form (lib/rules/engines.ts), IAM database
 * authentication per engine, version and Region and the PostgreSQL versions ClickPipes reads
 * (lib/rules/support.ts, from data/rds-iam-auth-support.json), and the CDC minimums
 * (lib/database/cdc-prerequisites.ts). Tests may pass another rule to the doctor's RDS check.
 */
import { PipeMode, RdsEngine, engineVersionProblem } from '../rules/engines';
import { sourceSupportProblems } from '../rules/support';
import { cdcEngineVersionProblem } from '../database/cdc-prerequisites';

/** The problem with an engine version for a source in a region, with the fix; undefined when it is supported. */
export type EngineSupportRule = (
  engine: RdsEngine,
  version: string,
  pipeMode: PipeMode,
  region: string,
) => string | undefined;

export const engineSupportProblem: EngineSupportRule = (engine, version, pipeMode, region) =>
  engineVersionProblem(engine, version) ??
  sourceSupportProblems(engine, version, region)[0] ??
  (pipeMode === 'cdc' ? cdcEngineVersionProblem(engine, version) : undefined);
