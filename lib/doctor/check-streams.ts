/**
 * Kinesis, S3 (with its SQS queue) and MSK sources in AWS: the resources exist, and what would
 * stop ClickPipes reading them (a customer managed KMS key the role cannot use, Requester Pays,
 * MSK without IAM client authentication).
 */
import type { KinesisSourceConfig, MskSourceConfig, S3SourceConfig } from '../config/config';
import { parseKinesisStreamArn, parseSqsQueueArn } from '../rules/validation';
import { StackClients } from './aws';
import { call, faultCheck } from './aws-calls';
import type {
  DescribeClusterV2Output,
  DescribeStreamSummaryOutput,
  GetBucketEncryptionOutput,
  GetBucketLocationOutput,
  GetBucketRequestPaymentOutput,
  GetQueueUrlOutput,
} from './sdk-shapes';
import { Check, check, fail, pass } from './model';
import { PolicyDocument, allows } from './policy';

/** The check that the role may decrypt with a customer managed key, and the fix that grants it. */
function kmsCheck(what: string, key: string, roleName: string, policies: readonly PolicyDocument[]): Check {
  const document = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key }],
  });
  return check(
    `${roleName} may kms:Decrypt with ${what}'s customer managed key`,
    allows(policies, 'kms:Decrypt', key),
    `grant it (and allow the role in the key policy): aws iam put-role-policy --role-name ${roleName} --policy-name kms-decrypt --policy-document '${document}'`,
    key,
  );
}

export async function kinesisChecks(
  source: KinesisSourceConfig,
  clients: StackClients,
  roleName: string,
  policies: readonly PolicyDocument[],
): Promise<Check[]> {
  const { m, c } = await clients.kinesis();
  const checks: Check[] = [];
  for (const stream of source.streams) {
    const name = parseKinesisStreamArn(stream)?.streamName ?? stream;
    const exists = `Kinesis stream ${name} exists`;
    const r = await call(() =>
      c.send<DescribeStreamSummaryOutput>(
        new m.DescribeStreamSummaryCommand(stream.startsWith('arn:') ? { StreamARN: stream } : { StreamName: stream }),
      ),
    );
    if (r.fault) {
      checks.push(
        faultCheck(
          exists,
          'kinesis:DescribeStreamSummary',
          r.fault,
          `create it (aws kinesis create-stream --stream-name ${name}), or correct streams in the config`,
        ),
      );
      continue;
    }
    const s = r.value.StreamDescriptionSummary;
    checks.push(pass(exists, s?.StreamStatus));
    const key = s?.EncryptionType === 'KMS' ? s.KeyId : undefined;
    // alias/aws/kinesis is the AWS managed key: any principal the stream policy allows may use it.
    if (key && key !== 'alias/aws/kinesis') checks.push(kmsCheck(`stream ${name}`, key, roleName, policies));
  }
  return checks;
}

export async function s3Checks(
  source: S3SourceConfig,
  clients: StackClients,
  roleName: string,
  policies: readonly PolicyDocument[],
): Promise<Check[]> {
  const { m, c } = await clients.s3();
  const checks: Check[] = [];
  for (const bucket of source.buckets) {
    const exists = `S3 bucket ${bucket} exists`;
    const location = await call(() =>
      c.send<GetBucketLocationOutput>(new m.GetBucketLocationCommand({ Bucket: bucket })),
    );
    if (location.fault) {
      checks.push(
        faultCheck(
          exists,
          's3:GetBucketLocation',
          location.fault,
          `correct buckets in the config (aws s3api list-buckets lists them)`,
        ),
      );
      continue;
    }
    const constraint = location.value.LocationConstraint as string | undefined;
    // GetBucketLocation: no constraint is us-east-1, "EU" the old name of eu-west-1.
    checks.push(pass(exists, `in ${!constraint ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint}`));
    const payment = await call(() =>
      c.send<GetBucketRequestPaymentOutput>(new m.GetBucketRequestPaymentCommand({ Bucket: bucket })),
    );
    const payName = `bucket ${bucket} is not Requester Pays (ClickPipes does not support it)`;
    if (payment.fault) checks.push(faultCheck(payName, 's3:GetBucketRequestPayment', payment.fault));
    else
      checks.push(
        check(
          payName,
          payment.value.Payer !== 'Requester',
          `aws s3api put-bucket-request-payment --bucket ${bucket} --request-payment-configuration Payer=BucketOwner`,
        ),
      );
    const encryption = await call(() =>
      c.send<GetBucketEncryptionOutput>(new m.GetBucketEncryptionCommand({ Bucket: bucket })),
    );
    if (encryption.fault) {
      checks.push(faultCheck(`default encryption of ${bucket}`, 's3:GetEncryptionConfiguration', encryption.fault));
      continue;
    }
    const rule = encryption.value.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    const key = rule?.SSEAlgorithm?.startsWith('aws:kms') ? rule.KMSMasterKeyID : undefined;
    // Without KMSMasterKeyID, SSE-KMS uses the AWS managed key aws/s3.
    if (key && key !== 'alias/aws/s3') checks.push(kmsCheck(`bucket ${bucket}`, key, roleName, policies));
    else checks.push(pass(`default encryption of ${bucket} needs no key grant`, rule?.SSEAlgorithm ?? 'none'));
  }
  if (source.sqsQueueArn) {
    const queue = parseSqsQueueArn(source.sqsQueueArn);
    const name = `SQS queue ${queue?.queueName ?? source.sqsQueueArn} exists`;
    if (!queue) return [...checks, fail(name, 'correct sqsQueueArn')];
    const { m: q, c: sqs } = await clients.sqs();
    const r = await call(() =>
      sqs.send<GetQueueUrlOutput>(
        new q.GetQueueUrlCommand({ QueueName: queue.queueName, QueueOwnerAWSAccountId: queue.accountId }),
      ),
    );
    checks.push(
      r.fault
        ? faultCheck(
            name,
            'sqs:GetQueueUrl',
            r.fault,
            `create it (aws sqs create-queue --queue-name ${queue.queueName}) and the buckets' event notifications, or correct sqsQueueArn`,
          )
        : pass(name),
    );
  }
  return checks;
}

export async function mskChecks(source: MskSourceConfig, clients: StackClients): Promise<Check[]> {
  const { m, c } = await clients.kafka();
  const exists = `MSK cluster ${source.clusterArn.split('/')[1] ?? source.clusterArn} exists`;
  const r = await call(() =>
    c.send<DescribeClusterV2Output>(new m.DescribeClusterV2Command({ ClusterArn: source.clusterArn })),
  );
  if (r.fault)
    return [
      faultCheck(
        exists,
        'kafka:DescribeClusterV2',
        r.fault,
        'correct clusterArn in the config (aws kafka list-clusters-v2 lists them)',
      ),
    ];
  const info = r.value.ClusterInfo;
  const auth = info?.Provisioned?.ClientAuthentication ?? info?.Serverless?.ClientAuthentication;
  const on = auth?.Sasl?.Iam?.Enabled === true;
  return [
    pass(exists, info?.State),
    check(
      'IAM client authentication is on',
      on,
      `aws kafka update-security --cluster-arn ${source.clusterArn} --current-version ${info?.CurrentVersion ?? '<current version>'} --client-authentication 'Sasl={Iam={Enabled=true}}' (console: Properties, Security settings, Edit, IAM role-based authentication)`,
    ),
  ];
}
