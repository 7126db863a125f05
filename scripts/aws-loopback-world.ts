/**
 * The AWS resources that the loopback server (scripts/aws-loopback.ts) answers about, by account,
 * and {@link worldOf}: those of a config with every prerequisite of every source in place.
 */
import type { ClickPipesConfig } from '../lib/config/config';
import { configStacks } from '../lib/config/stacks';
import { expectedRoles } from '../lib/doctor/expected';
import type { PolicyDocument } from '../lib/doctor/policy';
import { ENGINES, RdsEngine } from '../lib/rules/engines';
import { clickPipesStaticIps } from '../lib/rules/static-ips';
import { parseKinesisStreamArn, parseSqsQueueArn } from '../lib/rules/validation';

export interface FakeDatabase {
  /** `db-…` or `cluster-…`, for the resource ID filters. */
  resourceId?: string;
  engine: string;
  version: string;
  iamAuth: boolean;
  backupRetention: number;
  publiclyAccessible: boolean;
  host: string;
  port: number;
  dbName?: string;
  parameterGroup: string;
  applyStatus: 'in-sync' | 'pending-reboot';
  securityGroups: string[];
}

/** The resources of one account (all regions in one: the tests use one region per account). */
export interface FakeAccount {
  roles: Record<string, { trust: PolicyDocument; policies: Record<string, PolicyDocument> }>;
  instances: Record<string, FakeDatabase>;
  clusters: Record<string, FakeDatabase>;
  parameterGroups: Record<string, Record<string, string>>;
  securityGroups: Record<string, { port: number; cidrs: string[] }[]>;
  streams: Record<string, { keyId?: string }>;
  buckets: Record<string, { region: string; payer: 'BucketOwner' | 'Requester'; kmsKey?: string }>;
  queues: string[];
  mskClusters: Record<string, { iam: boolean }>;
}

export const emptyAccount = (): FakeAccount => ({
  roles: {},
  instances: {},
  clusters: {},
  parameterGroups: {},
  securityGroups: {},
  streams: {},
  buckets: {},
  queues: [],
  mskClusters: {},
});

/** A concrete document for a synthesized one: `${…}` references get a value. */
const concrete = (d: PolicyDocument): PolicyDocument =>
  JSON.parse(JSON.stringify(d).replace(/\$\{[^}]*\}/g, 'cluster-ABCDEFGHIJKLMNOP')) as PolicyDocument;

/** The AWS resources of a config with every prerequisite of every source in place. */
export function worldOf(config: ClickPipesConfig): Map<string, FakeAccount> {
  const world = new Map<string, FakeAccount>();
  for (const stack of configStacks(config)) {
    const account = world.get(stack.accountId) ?? emptyAccount();
    world.set(stack.accountId, account);
    const roles = expectedRoles(config, stack);
    for (const { source, dbUser } of stack.sources) {
      void dbUser;
      const role = roles[source.name];
      if (role) {
        account.roles[role.roleName] = {
          trust: concrete(role.trust),
          policies: Object.fromEntries(Object.entries(role.policies).map(([n, d]) => [n, concrete(d)])),
        };
      }
      if (source.type === 'kinesis') {
        for (const s of source.streams) account.streams[parseKinesisStreamArn(s)?.streamName ?? s] = {};
      } else if (source.type === 's3') {
        for (const b of source.buckets) account.buckets[b] = { region: stack.region, payer: 'BucketOwner' };
        if (source.sqsQueueArn) account.queues.push(parseSqsQueueArn(source.sqsQueueArn)!.queueName);
      } else if (source.type === 'msk') {
        account.mskClusters[source.clusterArn] = { iam: true };
      } else {
        const info = ENGINES[source.type as RdsEngine];
        const id =
          source.dbInstanceIdentifier ??
          source.dbClusterIdentifier ??
          source.create?.identifier ??
          source.name.toLowerCase();
        const group = `clickpipes-${id}`;
        account.parameterGroups[group] = Object.fromEntries(info.cdcParameters.map((p) => [p.name, p.value]));
        const port = info.dialect === 'postgres' ? 5432 : 3306;
        const sg = source.networkAccess?.securityGroupIds?.[0] ?? `sg-0${id.length.toString(16).padStart(16, '0')}`;
        const ips = source.networkAccess
          ? clickPipesStaticIps(source.networkAccess.clickHouseRegion, source.networkAccess.serviceCreatedOn)
          : undefined;
        account.securityGroups[sg] = [{ port, cidrs: ips && !ips.problem ? ips.ips.map((ip) => `${ip}/32`) : [] }];
        const db: FakeDatabase = {
          resourceId: source.resourceId,
          engine: info.terraformEngine,
          version: source.engineVersion ?? source.create?.engineVersion ?? info.defaultVersion,
          iamAuth: true,
          backupRetention: 7,
          publiclyAccessible: source.networkAccess !== undefined,
          host: `${id}.abcdefghijkl.${stack.region}.rds.amazonaws.com`,
          port,
          dbName: info.dialect === 'postgres' ? 'postgres' : undefined,
          parameterGroup: group,
          applyStatus: 'in-sync',
          securityGroups: [sg],
        };
        const cluster =
          info.kind === 'cluster' ||
          source.dbClusterIdentifier !== undefined ||
          !!source.resourceId?.startsWith('cluster-');
        (cluster ? account.clusters : account.instances)[id] = db;
      }
    }
  }
  return world;
}
