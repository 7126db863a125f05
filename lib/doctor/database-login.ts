/**
 * Logging in to a source's database as the ClickPipes user, behind one interface: with an IAM
 * token over TLS verified against the RDS CA bundle (what the doctor does), or with a password
 * (what the tests do against local servers, where IAM tokens cannot work). `pg` and `mysql2` are
 * loaded only when `--connect` is given.
 */
import * as fs from 'fs';
import { ENGINES } from '../rules/engines';
import { ConnectTarget, Credentials, authToken } from '../database/auth-token';

/** The `code` of the error of a login without the RDS CA bundle. */
export const CA_BUNDLE_MISSING = 'CA_BUNDLE_MISSING';

/** Where and as whom to log in: what the connect helper's token and client command take. */
export type DatabaseTarget = ConnectTarget;

/** An open session: queries with `?`/`$1` parameters as the driver takes them, rows as objects. */
export interface DatabaseSession {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Opens a session, or throws the driver's error. */
export type DatabaseLogin = (target: DatabaseTarget) => Promise<DatabaseSession>;

async function open(target: DatabaseTarget, password: string, tls?: { ca: string }): Promise<DatabaseSession> {
  if (ENGINES[target.engine].dialect === 'postgres') {
    const { Client } = await import('pg');
    const client = new Client({
      host: target.host,
      port: target.port,
      user: target.user,
      password,
      database: target.database ?? 'postgres',
      ssl: tls ? { ca: tls.ca, rejectUnauthorized: true } : false,
      connectionTimeoutMillis: 10_000,
    });
    await client.connect();
    return {
      query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows,
      close: () => client.end(),
    };
  }
  const mysql = await import('mysql2/promise');
  const connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password,
    connectTimeout: 10_000,
    // The IAM token goes as a clear-text password: only over verified TLS.
    ...(tls ? { ssl: { ca: tls.ca, rejectUnauthorized: true } } : {}),
  });
  return {
    query: async (sql, params) =>
      (await connection.query(sql, params as unknown[] | undefined))[0] as Record<string, unknown>[],
    close: () => connection.end(),
  };
}

/**
 * Logs in with an IAM authentication token (`@aws-sdk/rds-signer`, the credentials of the
 * source's account), over TLS that verifies the server against `caBundle`.
 */
export function iamLogin(caBundle: string, credentials?: Credentials): DatabaseLogin {
  return async (target) => {
    let ca: string;
    try {
      ca = fs.readFileSync(caBundle, 'utf8');
    } catch {
      throw Object.assign(new Error(`cannot read the RDS CA bundle ${caBundle}`), { code: CA_BUNDLE_MISSING });
    }
    const token = await authToken(target, credentials);
    return open(target, token, { ca });
  };
}

/** Logs in with a password, without TLS: local test servers only. */
export function passwordLogin(password: string): DatabaseLogin {
  return (target) => open(target, password);
}
