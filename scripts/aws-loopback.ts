/**
 * A loopback HTTP server that answers the AWS calls of `doctor` the way the AWS API references
 * document them: XML for the query APIs (STS, IAM, RDS; EC2's dialect), JSON for Kinesis (JSON 1.1),
 * SQS (JSON 1.0) and MSK (REST JSON), XML for S3 (REST, path-style). The SDK clients are pointed at
 * it with `endpoint`; the service comes from the SigV4 credential scope of each request and the
 * account from the access key, so that real assume-role calls give each account its own keys.
 *
 * The tests (__tests__/doctor*.test.ts) and the bench (scripts/bench.ts) use it: {@link worldOf}
 * builds the AWS resources a config needs, all correct; a test then breaks one thing, or adds a
 * {@link Fault} (throttling, access denied, a dropped connection).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { parseKinesisStreamArn } from '../lib/rules/validation';
import { type FakeAccount, type FakeDatabase, emptyAccount } from './aws-loopback-world';

export type { FakeAccount, FakeDatabase } from './aws-loopback-world';
export { worldOf } from './aws-loopback-world';

/** An answer instead of the resource's: for `times` calls (default: all) of `action` of `service` (and `account`). */
export interface Fault {
  readonly service: string;
  readonly action?: string;
  readonly account?: string;
  readonly kind: 'throttle' | 'denied' | 'drop';
  times?: number;
}

const xmlEscape = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** An XML element from an object: arrays become repeated `member` (or the given) elements. */
function xml(value: unknown, item = 'member'): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => `<${item}>${xml(v)}</${item}>`).join('');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const [name, member] = k.split('|');
        return v === undefined ? '' : `<${name}>${Array.isArray(v) ? xml(v, member ?? 'member') : xml(v)}</${name}>`;
      })
      .join('');
  return xmlEscape(value);
}

const NS: Record<string, string> = {
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  rds: 'http://rds.amazonaws.com/doc/2014-10-31/',
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
};

interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** The loopback server; `calls` records what was asked (service, action, account). */
export class AwsLoopback {
  readonly calls: { service: string; action: string; account: string }[] = [];
  faults: Fault[] = [];
  /** The most requests answered at once (the doctor's concurrency bound shows here). */
  maxInFlight = 0;
  private inFlight = 0;
  private server?: http.Server;

  constructor(public world: Map<string, FakeAccount>) {}

  /** Starts on a free loopback port; resolves to the endpoint URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      res.on('close', () => this.inFlight--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      // Answered on a later turn, so that requests sent together are in flight together.
      req.on('end', () => setImmediate(() => this.handle(req, Buffer.concat(chunks).toString('utf8'), res)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const auth = String(req.headers.authorization ?? '');
    const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
    const service = scope?.[3] ?? 'unknown';
    const account = /(\d{12})/.exec(scope?.[1] ?? '')?.[1] ?? '';
    const url = new URL(req.url ?? '/', 'http://loopback');
    const form = new URLSearchParams(body);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action =
      form.get('Action') ??
      (target
        ? target.split('.').pop()!
        : service === 's3'
          ? ([...url.searchParams.keys()][0] ?? 'GetObject')
          : service === 'kafka'
            ? 'DescribeClusterV2'
            : '');
    this.calls.push({ service, action, account });
    const fault = this.faults.find(
      (f) =>
        f.service === service &&
        (f.action === undefined || f.action === action) &&
        (f.account === undefined || f.account === account) &&
        f.times !== 0,
    );
    if (fault?.times !== undefined) fault.times--;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    let reply: Reply;
    try {
      if (fault?.kind === 'throttle')
        throw new AwsError(
          service === 'kinesis' || service === 'sqs' || service === 'kafka' ? 'ThrottlingException' : 'Throttling',
          'Rate exceeded',
          400,
        );
      if (fault?.kind === 'denied')
        throw new AwsError(
          service === 'kinesis' || service === 'sqs' || service === 'kafka'
            ? 'AccessDeniedException'
            : service === 'ec2'
              ? 'UnauthorizedOperation'
              : 'AccessDenied',
          `User: arn:aws:sts::${account}:assumed-role/doctor/session is not authorized to perform: ${service}:${action}`,
          403,
        );
      const acc = this.world.get(account);
      if (!acc && action !== 'AssumeRole')
        throw new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      reply = this.answer(service, action, form, url, body, account, acc ?? emptyAccount());
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      reply = this.error(service, e);
    }
    res.writeHead(reply.status, { 'x-amzn-requestid': 'b7e8f0a2-0000-4000-8000-000000000000', ...reply.headers });
    res.end(reply.body);
  }

  private error(service: string, e: AwsError): Reply {
    if (service === 'kinesis' || service === 'sqs' || service === 'kafka') {
      const type = service === 'sqs' ? `com.amazonaws.sqs#${e.code}` : e.code;
      return {
        status: e.status,
        headers: {
          'content-type': service === 'kafka' ? 'application/json' : 'application/x-amz-json-1.1',
          'x-amzn-errortype': e.code,
        },
        body: JSON.stringify({ __type: type, message: e.message }),
      };
    }
    if (service === 's3')
      return {
        status: e.status,
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`,
      };
    if (service === 'ec2')
      return {
        status: e.status,
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`,
      };
    return {
      status: e.status,
      headers: { 'content-type': 'text/xml' },
      body: `<ErrorResponse xmlns="${NS[service] ?? ''}"><Error><Type>Sender</Type><Code>${e.code}</Code><Message>${xmlEscape(e.message)}</Message></Error><RequestId>b7e8f0a2-0000-4000-8000-000000000000</RequestId></ErrorResponse>`,
    };
  }

  private query(service: string, action: string, result: unknown): Reply {
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body:
        service === 'ec2'
          ? `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NS.ec2}"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>${xml(result)}</${action}Response>`
          : `<${action}Response xmlns="${NS[service]}"><${action}Result>${xml(result)}</${action}Result><ResponseMetadata><RequestId>b7e8f0a2-0000-4000-8000-000000000000</RequestId></ResponseMetadata></${action}Response>`,
    };
  }

  private json(service: string, result: unknown): Reply {
    const type =
      service === 'kafka'
        ? 'application/json'
        : service === 'sqs'
          ? 'application/x-amz-json-1.0'
          : 'application/x-amz-json-1.1';
    return { status: 200, headers: { 'content-type': type }, body: JSON.stringify(result) };
  }

  private answer(
    service: string,
    action: string,
    form: URLSearchParams,
    url: URL,
    body: string,
    account: string,
    acc: FakeAccount,
  ): Reply {
    const json = () => JSON.parse(body || '{}') as Record<string, string>;
    switch (`${service}:${action}`) {
      case 'sts:GetCallerIdentity':
        return this.query('sts', action, {
          Arn: `arn:aws:sts::${account}:assumed-role/doctor/session`,
          UserId: 'AROAEXAMPLEID:session',
          Account: account,
        });
      case 'sts:AssumeRole': {
        const target = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(form.get('RoleArn') ?? '')?.[1];
        if (!target || !this.world.has(target))
          throw new AwsError(
            'AccessDenied',
            `not authorized to perform: sts:AssumeRole on resource: ${form.get('RoleArn')}`,
            403,
          );
        return this.query('sts', action, {
          Credentials: {
            AccessKeyId: `ASIA${target}EXAMPLE`,
            SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
            SessionToken: `FwoGZXIvYXdzEXAMPLETOKEN${target}`,
            Expiration: new Date(Date.now() + 3600_000).toISOString(),
          },
          AssumedRoleUser: {
            Arn: `arn:aws:sts::${target}:assumed-role/doctor/${form.get('RoleSessionName')}`,
            AssumedRoleId: 'AROAEXAMPLEID:doctor',
          },
        });
      }
      case 'iam:GetRole': {
        const name = form.get('RoleName')!;
        const role = acc.roles[name];
        if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
        return this.query('iam', action, {
          Role: {
            Path: '/',
            RoleName: name,
            RoleId: 'AROAEXAMPLEROLEID',
            Arn: `arn:aws:iam::${account}:role/${name}`,
            CreateDate: '2026-11-02T10:00:00Z',
            AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.trust)),
            MaxSessionDuration: 3600,
          },
        });
      }
      case 'iam:ListRolePolicies': {
        const role = acc.roles[form.get('RoleName')!];
        if (!role) throw new AwsError('NoSuchEntity', 'The role cannot be found.', 404);
        return this.query('iam', action, { PolicyNames: Object.keys(role.policies), IsTruncated: false });
      }
      case 'iam:GetRolePolicy': {
        const name = form.get('RoleName')!;
        const policy = acc.roles[name]?.policies[form.get('PolicyName')!];
        if (!policy)
          throw new AwsError(
            'NoSuchEntity',
            `The role policy with name ${form.get('PolicyName')} cannot be found.`,
            404,
          );
        return this.query('iam', action, {
          RoleName: name,
          PolicyName: form.get('PolicyName'),
          PolicyDocument: encodeURIComponent(JSON.stringify(policy)),
        });
      }
      case 'rds:DescribeDBInstances': {
        const [id, db] = this.findDatabase(acc.instances, form);
        if (!db) throw new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
        return this.query('rds', action, {
          'DBInstances|DBInstance': [
            {
              DBInstanceIdentifier: id,
              Engine: db.engine,
              EngineVersion: db.version,
              DBInstanceStatus: 'available',
              DBName: db.dbName,
              Endpoint: { Address: db.host, Port: db.port },
              BackupRetentionPeriod: db.backupRetention,
              PubliclyAccessible: db.publiclyAccessible,
              IAMDatabaseAuthenticationEnabled: db.iamAuth,
              'DBParameterGroups|DBParameterGroup': [
                { DBParameterGroupName: db.parameterGroup, ParameterApplyStatus: db.applyStatus },
              ],
              'VpcSecurityGroups|VpcSecurityGroupMembership': db.securityGroups.map((g) => ({
                VpcSecurityGroupId: g,
                Status: 'active',
              })),
            },
          ],
        });
      }
      case 'rds:DescribeDBClusters': {
        const [id, db] = this.findDatabase(acc.clusters, form);
        if (!db) throw new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
        return this.query('rds', action, {
          'DBClusters|DBCluster': [
            {
              DBClusterIdentifier: id,
              Engine: db.engine,
              EngineVersion: db.version,
              Status: 'available',
              DatabaseName: db.dbName,
              Endpoint: db.host,
              Port: db.port,
              BackupRetentionPeriod: db.backupRetention,
              IAMDatabaseAuthenticationEnabled: db.iamAuth,
              DBClusterParameterGroup: db.parameterGroup,
              'DBClusterMembers|DBClusterMember': [
                {
                  DBInstanceIdentifier: `${id}-1`,
                  IsClusterWriter: true,
                  DBClusterParameterGroupStatus: db.applyStatus,
                },
              ],
              'VpcSecurityGroups|VpcSecurityGroupMembership': db.securityGroups.map((g) => ({
                VpcSecurityGroupId: g,
                Status: 'active',
              })),
            },
          ],
        });
      }
      case 'rds:DescribeDBParameters':
      case 'rds:DescribeDBClusterParameters': {
        const name = form.get('DBParameterGroupName') ?? form.get('DBClusterParameterGroupName') ?? '';
        const group = acc.parameterGroups[name];
        if (!group) throw new AwsError('DBParameterGroupNotFound', `DBParameterGroup ${name} not found.`, 404);
        // Two pages, as RDS pages parameter lists (100 a page): the doctor must follow Marker.
        const entries = Object.entries(group);
        const second = form.get('Marker') === 'page-2';
        const page = (second ? entries.slice(1) : entries.slice(0, 1)).map(([ParameterName, ParameterValue]) => ({
          ParameterName,
          ParameterValue,
          Source: 'user',
          ApplyType: 'dynamic',
          IsModifiable: true,
        }));
        return this.query('rds', action, {
          'Parameters|Parameter': page,
          Marker: second || entries.length < 2 ? undefined : 'page-2',
        });
      }
      case 'ec2:DescribeSecurityGroups': {
        const ids = [...form.entries()].filter(([k]) => k.startsWith('GroupId.')).map(([, v]) => v);
        const missing = ids.find((id) => !acc.securityGroups[id]);
        if (missing) throw new AwsError('InvalidGroup.NotFound', `The security group '${missing}' does not exist`, 400);
        return this.query('ec2', action, {
          'securityGroupInfo|item': ids.map((id) => ({
            groupId: id,
            'ipPermissions|item': acc.securityGroups[id].map((r) => ({
              ipProtocol: 'tcp',
              fromPort: r.port,
              toPort: r.port,
              'ipRanges|item': r.cidrs.map((cidrIp) => ({ cidrIp })),
            })),
          })),
        });
      }
      case 'kinesis:DescribeStreamSummary': {
        const req = json();
        const name = req.StreamName ?? parseKinesisStreamArn(req.StreamARN ?? '')?.streamName ?? '';
        const stream = acc.streams[name];
        if (!stream)
          throw new AwsError('ResourceNotFoundException', `Stream ${name} under account ${account} not found.`, 400);
        return this.json('kinesis', {
          StreamDescriptionSummary: {
            StreamName: name,
            StreamARN: `arn:aws:kinesis:us-east-1:${account}:stream/${name}`,
            StreamStatus: 'ACTIVE',
            RetentionPeriodHours: 24,
            StreamCreationTimestamp: 1.7e9,
            EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
            EncryptionType: stream.keyId ? 'KMS' : 'NONE',
            ...(stream.keyId ? { KeyId: stream.keyId } : {}),
            OpenShardCount: 1,
          },
        });
      }
      case 'sqs:GetQueueUrl': {
        const name = json().QueueName;
        if (!acc.queues.includes(name)) {
          const e = new AwsError('QueueDoesNotExist', 'The specified queue does not exist.', 400);
          return {
            ...this.error('sqs', e),
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
            },
          };
        }
        return this.json('sqs', { QueueUrl: `https://sqs.us-east-1.amazonaws.com/${account}/${name}` });
      }
      case 'kafka:DescribeClusterV2': {
        const arn = decodeURIComponent(url.pathname.replace(/^\/api\/v2\/clusters\//, ''));
        const cluster = acc.mskClusters[arn];
        if (!cluster) throw new AwsError('NotFoundException', `Cluster ${arn} not found.`, 404);
        return this.json('kafka', {
          clusterInfo: {
            clusterArn: arn,
            clusterName: arn.split('/')[1],
            clusterType: 'PROVISIONED',
            currentVersion: 'K3AEGXETSR30VB',
            state: 'ACTIVE',
            provisioned: {
              clientAuthentication: {
                sasl: { iam: { enabled: cluster.iam }, scram: { enabled: false } },
                unauthenticated: { enabled: false },
              },
            },
          },
        });
      }
    }
    if (service === 's3') return this.s3(action, url, acc);
    throw new AwsError('InvalidAction', `${service}:${action} is not answered by the loopback server`, 400);
  }

  /** By identifier, or by the resource ID of a `Filters` entry (RDS lists: `Filters.Filter.1.Values.Value.1`). */
  private findDatabase(dbs: Record<string, FakeDatabase>, form: URLSearchParams): [string, FakeDatabase | undefined] {
    const id = form.get('DBInstanceIdentifier') ?? form.get('DBClusterIdentifier');
    if (id !== null) return [id, dbs[id]];
    const wanted = [...form.entries()].filter(([k]) => /^Filters\.[^.]+\.\d+\.Values\./.test(k)).map(([, v]) => v);
    const found = Object.entries(dbs).find(([, db]) => db.resourceId !== undefined && wanted.includes(db.resourceId));
    return found ?? [wanted[0] ?? '', undefined];
  }

  private s3(action: string, url: URL, acc: FakeAccount): Reply {
    const bucketName = url.pathname.split('/')[1] ?? '';
    const bucket = acc.buckets[bucketName];
    if (!bucket) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
    const doc = (inner: string) => ({
      status: 200,
      headers: { 'content-type': 'application/xml' },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n${inner}`,
    });
    const ns = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';
    if (action === 'location')
      return doc(
        `<LocationConstraint ${ns}>${bucket.region === 'us-east-1' ? '' : bucket.region}</LocationConstraint>`,
      );
    if (action === 'requestPayment')
      return doc(`<RequestPaymentConfiguration ${ns}><Payer>${bucket.payer}</Payer></RequestPaymentConfiguration>`);
    if (action === 'encryption') {
      const rule = bucket.kmsKey
        ? `<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${bucket.kmsKey}</KMSMasterKeyID>`
        : '<SSEAlgorithm>AES256</SSEAlgorithm>';
      return doc(
        `<ServerSideEncryptionConfiguration ${ns}><Rule><ApplyServerSideEncryptionByDefault>${rule}</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>`,
      );
    }
    throw new AwsError('NotImplemented', `${action} is not answered by the loopback server`, 501);
  }
}
