/**
 * The AWS SDK v3 clients of the doctor, one set per stack (account and region), loaded only when
 * the doctor runs (`await import`): synth never pulls in the SDK.
 *
 * Credentials: the default chain (environment, profile, SSO, instance role), or the ones given in
 * {@link AwsOptions}; for an account entry with `assumeRoleArn`, temporary credentials of that role
 * (with its session name and external ID), as the stack's provider block assumes it.
 */
import type { StackSpec } from '../config/stacks';

/** AWS credentials, or a provider of them. */
export type AwsCredentials =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  | (() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>);

/** How the doctor reaches AWS. */
export interface AwsOptions {
  /** The credentials to start from. Default: the SDK's default chain. */
  readonly credentials?: AwsCredentials;
  /** One endpoint for every service (a VPC endpoint proxy, or the loopback server of the tests and the bench). */
  readonly endpoint?: string;
  /** Attempts per AWS call, throttling and transient faults retried. Default: the SDK's (3). */
  readonly maxAttempts?: number;
  /** First retry delay in ms, doubling each retry. Default: the SDK's backoff. */
  readonly retryBaseDelayMs?: number;
}

/** The session name of the doctor's assumed roles (CloudTrail shows it). */
export const DOCTOR_SESSION_NAME = 'cdktf-clickpipes-aws-doctor';

type Sdk = {
  sts: typeof import('@aws-sdk/client-sts');
  iam: typeof import('@aws-sdk/client-iam');
  rds: typeof import('@aws-sdk/client-rds');
  ec2: typeof import('@aws-sdk/client-ec2');
  kinesis: typeof import('@aws-sdk/client-kinesis');
  s3: typeof import('@aws-sdk/client-s3');
  sqs: typeof import('@aws-sdk/client-sqs');
  kafka: typeof import('@aws-sdk/client-kafka');
};

/** The clients of one stack, each made on first use. */
export class StackClients {
  private readonly made = new Map<string, unknown>();
  private readonly config: Record<string, unknown>;
  private readonly http1 = require('@smithy/node-http-handler').NodeHttpHandler as new () => unknown;

  /** @param config from {@link stackClientConfig} */
  constructor(
    public readonly region: string,
    config: Record<string, unknown>,
  ) {
    this.config = { ...config, region };
  }

  private async client<K extends keyof Sdk, C>(
    key: K,
    make: (sdk: Sdk[K], config: Record<string, unknown>) => C,
  ): Promise<C> {
    let c = this.made.get(key) as C | undefined;
    if (c === undefined) {
      const sdk = (await loadSdk(key)) as Sdk[K];
      const extra = key === 's3' && this.config.endpoint !== undefined ? { forcePathStyle: true } : {};
      c = make(sdk, { ...this.config, ...extra });
      this.made.set(key, c);
    }
    return c;
  }

  sts = () => this.client('sts', (m, c) => ({ m, c: new m.STSClient(c) }));
  iam = () => this.client('iam', (m, c) => ({ m, c: new m.IAMClient(c) }));
  rds = () => this.client('rds', (m, c) => ({ m, c: new m.RDSClient(c) }));
  ec2 = () => this.client('ec2', (m, c) => ({ m, c: new m.EC2Client(c) }));
  // HTTP/1.1 for Kinesis too: its client defaults to HTTP/2, which only SubscribeToShard needs.
  kinesis = () =>
    this.client('kinesis', (m, c) => ({
      m,
      c: new m.KinesisClient({ ...c, requestHandler: new this.http1() as never }),
    }));
  s3 = () => this.client('s3', (m, c) => ({ m, c: new m.S3Client(c) }));
  sqs = () => this.client('sqs', (m, c) => ({ m, c: new m.SQSClient(c) }));
  kafka = () => this.client('kafka', (m, c) => ({ m, c: new m.KafkaClient(c) }));

  /** Closes the clients' connections. */
  destroy(): void {
    for (const c of this.made.values()) (c as { c: { destroy(): void } }).c.destroy();
  }
}

const loaders: { [K in keyof Sdk]: () => Promise<Sdk[K]> } = {
  sts: () => import('@aws-sdk/client-sts'),
  iam: () => import('@aws-sdk/client-iam'),
  rds: () => import('@aws-sdk/client-rds'),
  ec2: () => import('@aws-sdk/client-ec2'),
  kinesis: () => import('@aws-sdk/client-kinesis'),
  s3: () => import('@aws-sdk/client-s3'),
  sqs: () => import('@aws-sdk/client-sqs'),
  kafka: () => import('@aws-sdk/client-kafka'),
};
const loadSdk = <K extends keyof Sdk>(key: K): Promise<Sdk[K]> => loaders[key]() as Promise<Sdk[K]>;

/**
 * The client config of a stack: region, endpoint, retries, and credentials (assumed for an entry
 * with `assumeRoleArn`; one provider per role and region, shared by its stacks' clients).
 */
export async function stackClientConfig(
  stack: StackSpec,
  options: AwsOptions,
  providers: Map<string, unknown>,
): Promise<Record<string, unknown>> {
  const common: Record<string, unknown> = {};
  if (options.endpoint !== undefined) common.endpoint = options.endpoint;
  if (options.maxAttempts !== undefined) common.maxAttempts = options.maxAttempts;
  if (options.retryBaseDelayMs !== undefined) {
    const { ConfiguredRetryStrategy } = await import('@smithy/core/retry');
    const base = options.retryBaseDelayMs;
    common.retryStrategy = new ConfiguredRetryStrategy(
      options.maxAttempts ?? 3,
      (attempt: number) => base * 2 ** attempt,
    );
  }
  let credentials: unknown = options.credentials;
  if (stack.assumeRole) {
    const key = `${stack.assumeRole.roleArn}|${stack.region}`;
    if (!providers.has(key)) {
      const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
      providers.set(
        key,
        fromTemporaryCredentials({
          params: {
            RoleArn: stack.assumeRole.roleArn,
            RoleSessionName: stack.assumeRole.sessionName ?? DOCTOR_SESSION_NAME,
            ...(stack.assumeRole.externalId ? { ExternalId: stack.assumeRole.externalId } : {}),
          },
          ...(options.credentials ? { masterCredentials: options.credentials } : {}),
          clientConfig: { ...common, region: stack.region },
        }),
      );
    }
    credentials = providers.get(key);
  }
  return credentials === undefined ? common : { ...common, credentials };
}

/** An AWS call's fault in a few words, and whether it means "not found". Never holds credentials. */
export interface AwsFault {
  readonly name: string;
  readonly message: string;
  readonly notFound: boolean;
  readonly kind: 'not-found' | 'access-denied' | 'throttled' | 'unreachable' | 'other';
}

const NOT_FOUND =
  /NotFound|NoSuchEntity|NoSuchBucket|NonExistentQueue|QueueDoesNotExist|ResourceNotFound|InvalidGroup\.NotFound|NotFoundException/;

/** Reads an SDK error. */
export function awsFault(e: unknown): AwsFault {
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? 'Error';
  const code = err.code ?? '';
  const message = (err.message ?? String(e)).split('\n')[0];
  if (
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|EAI_AGAIN|socket hang up/.test(`${code} ${message}`) ||
    name === 'TimeoutError'
  )
    return { name: code || name, message, notFound: false, kind: 'unreachable' };
  if (NOT_FOUND.test(name)) return { name, message, notFound: true, kind: 'not-found' };
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError|Forbidden|InvalidClientTokenId|ExpiredToken/.test(name))
    return { name, message, notFound: false, kind: 'access-denied' };
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|LimitExceededException/.test(name))
    return { name, message, notFound: false, kind: 'throttled' };
  return { name, message, notFound: false, kind: 'other' };
}
