/**
 * `kms:Decrypt` for Kinesis streams and S3 objects encrypted with a customer managed KMS key:
 * Kinesis consumers of a stream encrypted with a customer managed key need `kms:Decrypt` on it
 * (Amazon Kinesis Data Streams Developer Guide, "Permissions to use user-generated KMS keys"), and
 * reading an SSE-KMS object needs `kms:Decrypt` on its key (Amazon S3 User Guide, "Using
 * server-side encryption with AWS KMS keys"). IAM resource type `key` (Service Authorization
 * Reference, AWS KMS): `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID`. An alias ARN in a policy's
 * Resource does not grant use of the key it points to, so only key ARNs are accepted.
 */
import { FieldProblem } from '../errors';
import { AwsPartition, arnPartitionProblem } from './validation';

const KEY_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):kms:([a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}):(\d{12}):key\/((?:mrk-)?[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** The statement that lets a role decrypt with the given keys. */
export const kmsDecryptStatement = (keyArns: readonly string[]) => ({
  sid: 'DecryptWithKeys',
  effect: 'Allow',
  actions: ['kms:Decrypt'],
  resources: [...keyArns],
});

/** The problems of a `kmsKeyArns` list: key ARNs only, each once, in the role's partition. */
export function kmsKeyArnsProblems(keyArns: readonly string[] | undefined, partition?: AwsPartition): FieldProblem[] {
  if (keyArns === undefined) return [];
  if (keyArns.length === 0) return [['kmsKeyArns', 'is empty; list at least one KMS key ARN, or leave it out']];
  const problems: FieldProblem[] = [];
  keyArns.forEach((arn, n) => {
    const m = KEY_ARN.exec(arn);
    if (!m) {
      problems.push([
        `kmsKeyArns[${n}]`,
        `${JSON.stringify(arn)} is not a KMS key ARN; expected "arn:aws:kms:REGION:ACCOUNT:key/KEY_ID" (an alias ARN in a policy does not grant use of its key; IAM resource type key, Service Authorization Reference for AWS KMS)`,
      ]);
      return;
    }
    const p = partition && arnPartitionProblem(arn, m[1] as AwsPartition, partition);
    if (p) problems.push([`kmsKeyArns[${n}]`, p]);
    if (keyArns.indexOf(arn) !== n) problems.push([`kmsKeyArns[${n}]`, `${JSON.stringify(arn)} is listed twice`]);
  });
  return problems;
}
