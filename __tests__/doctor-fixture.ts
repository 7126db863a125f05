import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConfig } from '../lib/config/config';
import { runDoctor } from '../lib/doctor/cli';
import { DoctorOptions } from '../lib/doctor/cli';

/** The doctor tests' config: every source type, one account with the caller's credentials, one by assumeRoleArn. */
export const DOCTOR_CONFIG = {
  clickHouseIamRoleArn: 'arn:aws:iam::999988887777:role/CH-S3-doctor-Role',
  accounts: [
    {
      name: 'prod',
      accountId: '111122223333',
      region: 'us-east-1',
      sources: [
        {
          name: 'orders',
          type: 'rds-postgres',
          dbInstanceIdentifier: 'orders-db',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
          engineVersion: '16.4',
          networkAccess: { clickHouseRegion: 'us-east-1', securityGroupIds: ['sg-0123456789abcdef0'] },
        },
        {
          name: 'billing',
          type: 'aurora-mysql',
          dbClusterIdentifier: 'billing',
          pipeMode: 'cdc',
          schemas: ['billing'],
        },
        { name: 'events', type: 'kinesis', streams: ['clicks', 'arn:aws:kinesis:us-east-1:111122223333:stream/views'] },
      ],
    },
    {
      name: 'analytics',
      accountId: '444455556666',
      region: 'us-east-1',
      assumeRoleArn: 'arn:aws:iam::444455556666:role/terraform',
      sources: [
        {
          name: 'lake',
          type: 's3',
          buckets: ['acme-lake'],
          sqsQueueArn: 'arn:aws:sqs:us-east-1:444455556666:lake-events',
        },
        {
          name: 'stream',
          type: 'msk',
          clusterArn: 'arn:aws:kafka:us-east-1:444455556666:cluster/stream/6357e0b2-0e6a-4b86-a0b4-70df934c2e31-5',
        },
      ],
    },
  ],
};

/** The caller's credentials in the tests: never printed (a test looks for them). */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIA111122223333TEST',
  secretAccessKey: 'doctorTestSecretKey/DoNotPrint+0123456789',
};

export const doctorConfig = () => parseConfig(DOCTOR_CONFIG, 'test');

/** A folder with the config as clickpipes.config.json. */
export function configDir(config: unknown = DOCTOR_CONFIG): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpa-doctor-'));
  fs.writeFileSync(path.join(dir, 'clickpipes.config.json'), JSON.stringify(config));
  return dir;
}

/** Runs the doctor in-process; resolves to its exit code and output. */
export async function doctor(argv: string[], cwd: string, options: DoctorOptions, progress = false) {
  let stdout = '';
  let stderr = '';
  const code = await runDoctor(
    argv,
    { env: {}, cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), progress },
    options,
  );
  return { code, stdout, stderr };
}
