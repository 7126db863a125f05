/**
 * What the app writes beside a stack for the connect helper, and where: the names and the shape
 * of `clickpipes/sources.json`. A file of its own so that `clickpipes-connect` reads it without
 * loading the constructs.
 */
import type { PipeMode, RdsEngine } from '../rules/engines';

/** The folder of a stack's synthesized folder that holds the per-source files. */
export const SOURCE_FILES_DIR = 'clickpipes';
/** The file of {@link SOURCE_FILES_DIR} that describes how to connect to each source. */
export const SOURCES_FILE = 'sources.json';

/** What the connect helper needs of a source (`clickpipes/sources.json`). */
export interface SourceConnectionInfo {
  readonly engine: RdsEngine;
  readonly region: string;
  readonly dbUser: string;
  readonly pipeMode: PipeMode;
  /** The DB instance or Aurora cluster identifier, when the config names or creates it. */
  readonly identifier?: string;
  /** The port, when the stack sets it (a database it creates). */
  readonly port?: number;
  /** The Terraform outputs with the endpoint and port, when the stack knows the database. */
  readonly addressOutput?: string;
  readonly portOutput?: string;
  /** The setup SQL file, relative to the stack folder. */
  readonly setupSqlFile: string;
}
