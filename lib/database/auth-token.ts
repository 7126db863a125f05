import type { SignerConfig } from '@aws-sdk/rds-signer';
import { ENGINES, RdsEngine } from '../rules/engines';
import { ClickPipesInputError } from '../errors';

/** AWS credentials, or a provider of them (the default chain when not given). */
export type Credentials = SignerConfig['credentials'];

/** Where to connect, as the IAM auth token and the client command need it. */
export interface ConnectTarget {
  readonly engine: RdsEngine;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  readonly user: string;
  /** PostgreSQL database name (psql's `dbname`). */
  readonly database?: string;
}

/** The RDS CA bundle the client verifies the server with (https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem). */
export const DEFAULT_CA_BUNDLE = 'global-bundle.pem';
export const CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

/**
 * An IAM database authentication token for `target`, made by `@aws-sdk/rds-signer` (a SigV4
 * presigned `rds-db` `connect` request for the user, valid 15 minutes) from `credentials`, or from
 * the default credential chain (environment, profile, instance role) when none are given.
 *
 * Signing is local: what can fail is finding credentials (none in the chain, an expired SSO
 * session, a profile that does not exist). That is a user error, one line naming the fix.
 *
 * @throws ClickPipesInputError when no credentials can be had
 */
export async function authToken(
  target: Pick<ConnectTarget, 'host' | 'port' | 'region' | 'user'>,
  credentials?: Credentials,
): Promise<string> {
  // Loaded here, not at the top: the library's main entry must not pull in the AWS SDK.
  const { Signer } = await import('@aws-sdk/rds-signer');
  const signer = new Signer({
    hostname: target.host,
    port: target.port,
    region: target.region,
    username: target.user,
    ...(credentials ? { credentials } : {}),
  });
  try {
    return await signer.getAuthToken();
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ClickPipesInputError([
      `AWS credentials: ${message}; the token is signed with your AWS credentials: set AWS_PROFILE (after \`aws sso login\` for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
    ]);
  }
}

/** A word for a POSIX shell: as it is when safe, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The client command line that logs in with `token` over TLS with server verification, as the AWS
 * article on IAM database authentication does by hand: `psql` with `sslmode=verify-full` and the
 * RDS CA bundle; `mysql` with `--ssl-mode=VERIFY_IDENTITY` and `--enable-cleartext-plugin` (the
 * token is sent as a password); MariaDB's `mariadb` client with `--ssl-verify-server-cert`.
 */
export function clientCommand(target: ConnectTarget, token: string, caBundle = DEFAULT_CA_BUNDLE): string {
  if (ENGINES[target.engine].dialect === 'postgres') {
    const conninfo = [
      `host=${target.host}`,
      `port=${target.port}`,
      `dbname=${target.database ?? 'postgres'}`,
      `user=${target.user}`,
      'sslmode=verify-full',
      `sslrootcert=${caBundle}`,
    ].join(' ');
    return `PGPASSWORD=${shellWord(token)} psql ${shellWord(conninfo)}`;
  }
  const tls =
    target.engine === 'rds-mariadb'
      ? ['mariadb', `--ssl-ca=${caBundle}`, '--ssl-verify-server-cert']
      : ['mysql', `--ssl-ca=${caBundle}`, '--ssl-mode=VERIFY_IDENTITY'];
  return [
    tls[0],
    `--host=${target.host}`,
    `--port=${target.port}`,
    `--user=${target.user}`,
    `--password=${token}`,
    '--enable-cleartext-plugin',
    ...tls.slice(1),
    ...(target.database ? [target.database] : []),
  ]
    .map(shellWord)
    .join(' ');
}
