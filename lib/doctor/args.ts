/** The command line of `doctor`. */
import { FRAMEWORK } from '../framework';

export const DOCTOR_USAGE = `usage: ${FRAMEWORK.packageName} doctor [--stack NAME]... [--source NAME]... [--connect] [--json] [--concurrency N]

Checks every prerequisite of every source of the config (CLICKPIPES_CONFIG, else ./clickpipes.config.json
or .yaml/.yml, else the embedded example) in AWS, with your AWS credentials (the default chain; the account
entry's assumeRoleArn when set), and prints per source a checklist with the fix of each failed line.

  --stack NAME       only this stack (repeatable)
  --source NAME      only sources of this name (repeatable)
  --connect          also log in to each RDS/Aurora database as the ClickPipes user with an IAM token
                     (TLS verified against the RDS CA bundle) and check its grants, publication and settings
  --ca-bundle FILE   the RDS CA bundle for --connect (default: global-bundle.pem)
  --json             the report as JSON on stdout, no progress (for CI)
  --concurrency N    sources checked at once (default 8)

Exit: 0 every check passed; 1 a check failed (or the config is bad); 2 bad arguments.`;

export interface DoctorArgs {
  readonly stacks: readonly string[];
  readonly sources: readonly string[];
  readonly connect: boolean;
  readonly json: boolean;
  readonly concurrency: number;
  readonly caBundle: string;
  readonly help: boolean;
}

export const DEFAULT_CONCURRENCY = 8;

/** The arguments, or the one-line problem with them. */
export function parseDoctorArgs(argv: readonly string[]): DoctorArgs | { problem: string } {
  const stacks: string[] = [];
  const sources: string[] = [];
  let connect = false;
  let json = false;
  let help = false;
  let concurrency = DEFAULT_CONCURRENCY;
  let caBundle = 'global-bundle.pem';
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? argv[i].split(/=(.*)/s) : [argv[i]];
    const value = (): string | undefined => {
      if (inline !== undefined) return inline;
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return undefined;
      i++;
      return v;
    };
    const takesValue = ['--stack', '--source', '--concurrency', '--ca-bundle'].includes(flag);
    if (!takesValue && inline !== undefined) return { problem: `${flag} takes no value` };
    switch (flag) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--connect':
        connect = true;
        break;
      case '--json':
        json = true;
        break;
      case '--stack':
      case '--source':
      case '--ca-bundle':
      case '--concurrency': {
        const v = value();
        if (v === undefined || v === '') return { problem: `${flag} needs a value` };
        if (flag === '--stack') stacks.push(v);
        else if (flag === '--source') sources.push(v);
        else if (flag === '--ca-bundle') caBundle = v;
        else {
          if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64)
            return { problem: `--concurrency ${v}: expected a whole number from 1 to 64` };
          concurrency = Number(v);
        }
        break;
      }
      default:
        return { problem: `unknown argument ${argv[i]}` };
    }
  }
  return { stacks, sources, connect, json, concurrency, caBundle, help };
}
