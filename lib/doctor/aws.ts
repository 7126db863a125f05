/**
 * The AWS SDK v3 clients of the doctor, one set per stack (account and region), loaded only when
 * the doctor runs (`await import`): synth never pulls in the SDK.
 *
 * Credentials: the default chain (environment, profile, SSO, instance role), or the ones given in
 * {@link AwsOptions}; for an account entry with `assumeRoleArn`, temporary credentials of that role
 * (with its session name and external ID), as the stack's provider block assumes it.
 */
import type { StackSpec } from '../config/stacks';
import type { AwsClient, AwsModule } from './sdk-shapes';

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

/** The SDK packages of the doctor, by client. */
const PACKAGES = {
  sts: '@aws-sdk/client-sts',
  iam: '@aws-sdk/client-iam',
  rds: '@aws-sdk/client-rds',
  ec2: '@aws-sdk/client-ec2',
  kinesis: '@aws-sdk/client-kinesis',
  s3: '@aws-sdk/client-s3',
  sqs: '@aws-sdk/client-sqs',
  kafka: '@aws-sdk/client-kafka',
} as const;

/** The client class of each package. */
const CLIENTS: Record<keyof typeof PACKAGES, string> = {
  sts: 'STSClient',
  iam: 'IAMClient',
  rds: 'RDSClient',
  ec2: 'EC2Client',
  kinesis: 'KinesisClient',
  s3: 'S3Client',
  sqs: 'SQSClient',
  kafka: 'KafkaClient',
};

/**
 * Loads a package by a name the compiler does not follow, so that the SDK's type declarations
 * stay out of the type-check (sdk-shapes.ts types what the doctor reads).
 */
export const loadPackage = (name: string): Promise<Record<string, unknown>> => import(name);

/** The clients of one stack, each made on first use. */
export class StackClients {
  private readonly made = new Map<string, { m: AwsModule; c: AwsClient }>();
  private readonly config: Record<string, unknown>;

  /** @param config from {@link stackClientConfig} */
  constructor(
    public readonly region: string,
    config: Record<string, unknown>,
  ) {
    this.config = { ...config, region };
  }

  private async client(key: keyof typeof PACKAGES): Promise<{ m: AwsModule; c: AwsClient }> {
    let made = this.made.get(key);
    if (made === undefined) {
      const m = (await loadPackage(PACKAGES[key])) as AwsModule;
      const extra: Record<string, unknown> = {};
      if (key === 's3' && this.config.endpoint !== undefined) extra.forcePathStyle = true;
      // HTTP/1.1 for Kinesis too: its client defaults to HTTP/2, which only SubscribeToShard needs.
      if (key === 'kinesis') {
        const { NodeHttpHandler } = (await loadPackage('@smithy/node-http-handler')) as {
          NodeHttpHandler: new () => unknown;
        };
        extra.requestHandler = new NodeHttpHandler();
      }
      const Client = m[CLIENTS[key]] as unknown as new (config: object) => AwsClient;
      made = { m, c: new Client({ ...this.config, ...extra }) };
      this.made.set(key, made);
    }
    return made;
  }

  sts = () => this.client('sts');
  iam = () => this.client('iam');
  rds = () => this.client('rds');
  ec2 = () => this.client('ec2');
  kinesis = () => this.client('kinesis');
  s3 = () => this.client('s3');
  sqs = () => this.client('sqs');
  kafka = () => this.client('kafka');

  /** Closes the clients' connections. */
  destroy(): void {
    for (const { c } of this.made.values()) c.destroy();
  }
}

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
    const { ConfiguredRetryStrategy } = (await loadPackage('@smithy/core/retry')) as {
      ConfiguredRetryStrategy: new (attempts: number, delay: (attempt: number) => number) => unknown;
    };
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
      const { fromTemporaryCredentials } = (await loadPackage('@aws-sdk/credential-providers')) as {
        fromTemporaryCredentials: (options: object) => unknown;
      };
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
