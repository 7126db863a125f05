import { RdsSourceConfig, SourceConfig, StackAccountConfig } from '../config/config';
import { ENGINES, RDS_ENGINES } from '../rules/engines';
import { identifierOf } from '../constructs/managed-database';
import { DEFAULT_DB_PORTS } from '../constructs/network-access';
import { ClickPipesRdsIamAccess } from '../constructs/rds-iam-access';
import { ClickPipesAccessRole } from '../constructs/clickpipes-access-role';
import { setupSqlFile } from '../database/setup-sql';
import { DIAGRAM_FILE, stackDiagram } from './diagram';
import { accountStackOf } from './stack-picture';
import { SOURCES_FILE, SOURCE_FILES_DIR, SourceConnectionInfo } from './source-info';

const isRdsSource = (source: SourceConfig): source is RdsSourceConfig =>
  (RDS_ENGINES as readonly string[]).includes(source.type);

export { SOURCE_FILES_DIR, SOURCES_FILE };
export type { SourceConnectionInfo };

/**
 * The files the app writes beside a stack's Terraform: `clickpipes/<source>.sql`, the setup SQL
 * of each source (the CDC prerequisites as comments), `clickpipes/sources.json`, what
 * `clickpipes-connect` reads, and `diagram.md`, the stack as a picture for review. Paths are
 * relative to the stack folder; the content is the same on every machine.
 */
export function sourceFiles(
  account: StackAccountConfig,
  sources: Readonly<Record<string, object>>,
): Record<string, string> {
  const files: Record<string, string> = {};
  const info: Record<string, SourceConnectionInfo> = {};
  for (const source of account.sources) {
    const access = sources[source.name];
    // Kinesis, S3 and MSK sources have no database side.
    if (!(access instanceof ClickPipesRdsIamAccess) || !isRdsSource(source)) continue;
    const sqlFile = `${SOURCE_FILES_DIR}/${source.name}.sql`;
    const notes = [
      ...(access.databasePrerequisites.length
        ? ['Before running this file:', ...access.databasePrerequisites.map((p) => `  - ${p}`)]
        : []),
      ...(access.cdcPrerequisites.length
        ? ['What the database needs for CDC:', ...access.cdcPrerequisites.map((p) => `  - ${p}`)]
        : []),
    ];
    files[sqlFile] = setupSqlFile(source.name, access.setupSqlInput, notes);
    const known = access.dbAddress !== undefined;
    info[source.name] = {
      engine: source.type,
      region: account.region,
      dbUser: access.dbUser,
      pipeMode: access.pipeMode,
      identifier: source.create
        ? identifierOf(source.name, source.create)
        : (source.dbInstanceIdentifier ?? source.dbClusterIdentifier),
      port: source.create ? DEFAULT_DB_PORTS[ENGINES[source.type].dialect] : undefined,
      addressOutput: known ? `${source.name}_db_address` : undefined,
      portOutput: known ? `${source.name}_db_port` : undefined,
      setupSqlFile: sqlFile,
    };
  }
  if (Object.keys(info).length)
    files[`${SOURCE_FILES_DIR}/${SOURCES_FILE}`] = JSON.stringify({ sources: info }, null, 2) + '\n';
  // The sources are the constructs of one ClickPipesAccountStack (a config has at least one source).
  const stack = Object.values(sources)
    .map((access) => (access instanceof ClickPipesAccessRole ? accountStackOf(access) : undefined))
    .find((s) => s !== undefined);
  if (stack) {
    const sqlFiles = Object.fromEntries(Object.entries(info).map(([name, i]) => [name, i.setupSqlFile]));
    files[DIAGRAM_FILE] = stackDiagram(stack, sqlFiles);
  }
  return files;
}
