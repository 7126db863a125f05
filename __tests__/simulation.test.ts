/**
 * The IAM simulator (`@cloud-copilot/iam-simulate`) judges the policies of synthesized stacks:
 * for every engine and every way to name a database, ClickHouse's role (and sessions of it) may
 * assume the source's role, the role may connect as the configured user to the configured
 * database, and every neighbouring request is denied. See verify/simulation.ts for the table.
 */
import { EXAMPLE_CONFIG } from '../lib';
import {
  GOV_CONFIG,
  LITERAL_CONFIG,
  MATRIX_CONFIG,
  SourceVerdict,
  synthAccounts,
  verifyConfig,
} from './verify/configs';
import { RawConfig } from './verify/simulation';

const CONFIGS: [string, RawConfig][] = [
  ['every engine and database form, Kinesis, S3, MSK', MATRIX_CONFIG],
  ['the embedded example', EXAMPLE_CONFIG as unknown as RawConfig],
  ['GovCloud', GOV_CONFIG],
  ['literal inputs only', LITERAL_CONFIG],
];

describe.each(CONFIGS)('config: %s', (_what, config) => {
  let verdicts: SourceVerdict[];
  beforeAll(async () => {
    verdicts = await verifyConfig(config);
  });

  const sources = config.accounts.flatMap((a) => a.sources.map((s) => [a.name, s.name, s.type] as const));
  test.each(sources)(
    'stack %s, source %s (%s): the intended requests are allowed, the neighbours denied',
    (stack, source) => {
      const verdict = verdicts.find((v) => v.stack === stack && v.source === source)!;
      expect(verdict.wrong).toEqual([]);
      // Trust: 2 principals x the trust actions, plus the denied principals and actions; then the source's own.
      expect(verdict.requests).toBeGreaterThan(12);
    },
  );
});

test('the simulation table gives one verdict per source, and each verdict can fail', async () => {
  // The same config with the ClickHouse role swapped after synthesis: every trust request the
  // table expects to be allowed now comes from a principal the trust policy does not name.
  const stacks = synthAccounts(GOV_CONFIG);
  const swapped = { ...GOV_CONFIG, clickHouseIamRoleArn: 'arn:aws-us-gov:iam::111122223333:role/Another-Role' };
  const [verdict] = await verifyConfig(swapped, stacks);
  expect(verdict.wrong).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^trust: ClickHouse's role calls sts:AssumeRole: .* expected Allowed, got ImplicitlyDenied$/,
      ),
    ]),
  );
  // And a user other than the configured one: the connect the table expects is denied.
  const otherUser = {
    ...GOV_CONFIG,
    accounts: [{ ...GOV_CONFIG.accounts[0], sources: [{ ...GOV_CONFIG.accounts[0].sources[0], dbUser: 'someone' }] }],
  };
  const [userVerdict] = await verifyConfig(otherUser, stacks);
  expect(userVerdict.wrong).toEqual(
    expect.arrayContaining([expect.stringMatching(/^connect as someone: .* expected Allowed, got ImplicitlyDenied$/)]),
  );
});
