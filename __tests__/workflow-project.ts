/** The checkout that the workflow tests run the README's commands in, and what they share. */
import * as fs from 'fs';
import * as path from 'path';
import { copyProject } from '../scripts/project-copy';

export const ROOT = path.join(__dirname, '..');

/** A copy of the project (node_modules linked), with the YAML organization example beside it as org.yaml. */
export function workflowProject(prefix: string): string {
  const project = copyProject(ROOT, prefix);
  fs.copyFileSync(path.join(ROOT, 'examples', 'clickpipes.config.yaml'), path.join(project, 'org.yaml'));
  return project;
}

/** The environment of a user's shell: CI, no colour, none of the app's settings unless given. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, CI: 'true', FORCE_COLOR: '0' };
  for (const k of ['CLICKPIPES_CONFIG', 'CDKTF_OUTDIR', 'SYNTH_HCL_OUTPUT', 'CHECKPOINT_DISABLE']) delete e[k];
  return { ...e, ...extra };
}

/** Writes `config` as the project's clickpipes.config.json, or removes that file (the embedded example). */
export function useConfig(project: string, config: unknown | undefined): void {
  fs.rmSync(path.join(project, 'clickpipes.config.json'), { force: true });
  if (config !== undefined)
    fs.writeFileSync(path.join(project, 'clickpipes.config.json'), JSON.stringify(config, null, 2));
}
