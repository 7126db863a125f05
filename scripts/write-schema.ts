/** Writes schema/clickpipes.config.schema.json from the config schema (`npm run schema`). */
import * as fs from 'fs';
import * as path from 'path';
import { configJsonSchema } from '../lib/config/config';

export const SCHEMA_FILE = path.join('schema', 'clickpipes.config.schema.json');

export function schemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + '\n';
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
