/**
 * An RDS or Aurora source in AWS: the instance or cluster exists, its engine and version, IAM
 * database authentication, backups, the CDC parameters of its (cluster) parameter group with their
 * pending-reboot state, public access and the security group rules for the ClickPipes static IPs.
 */
import type { RdsSourceConfig } from '../config/config';
import { ENGINES, RdsEngine } from '../rules/engines';
import { identifierOf } from '../constructs/managed-database';
import { clickPipesStaticIps } from '../rules/static-ips';
import { StackClients } from './aws';
import { call, faultCheck } from './aws-calls';
import type {
  DescribeDBClustersOutput,
  DescribeDBInstancesOutput,
  DescribeParametersOutput,
  DescribeSecurityGroupsOutput,
} from './sdk-shapes';
import { EngineSupportRule, engineSupportProblem } from './engine-support';
import { applyFix } from './check-iam';
import { Check, check, fail, pass } from './model';

/** Where the database answers, for `--connect`. */
export interface DatabaseEndpoint {
  readonly host: string;
  readonly port: number;
  /** The database created with the instance or cluster (PostgreSQL logs in to it), if any. */
  readonly dbName?: string;
}

/** What the RDS API says about an instance or a cluster, in one shape. */
interface Database {
  readonly kind: 'instance' | 'cluster';
  readonly id: string;
  readonly engine: string;
  readonly version: string;
  readonly iamAuth: boolean;
  readonly backupRetention: number;
  readonly publiclyAccessible?: boolean;
  readonly endpoint?: DatabaseEndpoint;
  readonly parameterGroup?: string;
  /** Instances (of the cluster) whose parameters wait for a reboot. */
  readonly pendingReboot: readonly string[];
  readonly securityGroups: readonly string[];
}

/** The identifier of the source's database, or its resource ID filter. */
function locate(source: RdsSourceConfig): { id?: string; resourceId?: string } {
  if (source.dbInstanceIdentifier) return { id: source.dbInstanceIdentifier };
  if (source.dbClusterIdentifier) return { id: source.dbClusterIdentifier };
  if (source.create) return { id: identifierOf(source.name, source.create) };
  return { resourceId: source.resourceId };
}

async function describe(
  clients: StackClients,
  kind: 'instance' | 'cluster',
  where: { id?: string; resourceId?: string },
): Promise<{ database?: Database; fault?: Check }> {
  const { m, c } = await clients.rds();
  const shown = where.id ?? where.resourceId ?? '';
  const name = `${kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${shown} exists`;
  const notFound = `create it, or correct ${where.id ? (kind === 'cluster' ? 'dbClusterIdentifier' : 'dbInstanceIdentifier') : 'resourceId'} in the config (aws rds describe-db-${kind === 'cluster' ? 'clusters' : 'instances'} lists them)`;
  if (kind === 'instance') {
    const r = await call(() =>
      c.send<DescribeDBInstancesOutput>(
        new m.DescribeDBInstancesCommand(
          where.id
            ? { DBInstanceIdentifier: where.id }
            : { Filters: [{ Name: 'dbi-resource-id', Values: [where.resourceId!] }] },
        ),
      ),
    );
    if (r.fault) return { fault: faultCheck(name, 'rds:DescribeDBInstances', r.fault, notFound) };
    const d = r.value.DBInstances?.[0];
    if (!d) return { fault: fail(name, notFound, 'not found') };
    const group = d.DBParameterGroups?.[0];
    return {
      database: {
        kind,
        id: d.DBInstanceIdentifier ?? shown,
        engine: d.Engine ?? '',
        version: d.EngineVersion ?? '',
        iamAuth: d.IAMDatabaseAuthenticationEnabled === true,
        backupRetention: d.BackupRetentionPeriod ?? 0,
        publiclyAccessible: d.PubliclyAccessible,
        endpoint: d.Endpoint?.Address
          ? { host: d.Endpoint.Address, port: d.Endpoint.Port ?? 0, dbName: d.DBName }
          : undefined,
        parameterGroup: group?.DBParameterGroupName,
        pendingReboot: group?.ParameterApplyStatus === 'pending-reboot' ? [d.DBInstanceIdentifier ?? shown] : [],
        securityGroups: (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? ''),
      },
    };
  }
  const r = await call(() =>
    c.send<DescribeDBClustersOutput>(
      new m.DescribeDBClustersCommand(
        where.id
          ? { DBClusterIdentifier: where.id }
          : { Filters: [{ Name: 'db-cluster-resource-id', Values: [where.resourceId!] }] },
      ),
    ),
  );
  if (r.fault) return { fault: faultCheck(name, 'rds:DescribeDBClusters', r.fault, notFound) };
  const d = r.value.DBClusters?.[0];
  if (!d) return { fault: fail(name, notFound, 'not found') };
  return {
    database: {
      kind,
      id: d.DBClusterIdentifier ?? shown,
      engine: d.Engine ?? '',
      version: d.EngineVersion ?? '',
      iamAuth: d.IAMDatabaseAuthenticationEnabled === true,
      backupRetention: d.BackupRetentionPeriod ?? 0,
      publiclyAccessible: d.PubliclyAccessible,
      endpoint: d.Endpoint ? { host: d.Endpoint, port: d.Port ?? 0, dbName: d.DatabaseName } : undefined,
      parameterGroup: d.DBClusterParameterGroup,
      pendingReboot: (d.DBClusterMembers ?? [])
        .filter((x) => x.DBClusterParameterGroupStatus === 'pending-reboot')
        .map((x) => x.DBInstanceIdentifier ?? ''),
      securityGroups: (d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? ''),
    },
  };
}

/** The values of the named parameters of a (cluster) parameter group, all pages read. */
async function parameterValues(
  clients: StackClients,
  kind: 'instance' | 'cluster',
  group: string,
  names: readonly string[],
): Promise<{ values?: Map<string, string | undefined>; fault?: Check }> {
  const { m, c } = await clients.rds();
  const values = new Map<string, string | undefined>();
  let marker: string | undefined;
  do {
    const r =
      kind === 'instance'
        ? await call(() =>
            c.send<DescribeParametersOutput>(
              new m.DescribeDBParametersCommand({ DBParameterGroupName: group, Marker: marker }),
            ),
          )
        : await call(() =>
            c.send<DescribeParametersOutput>(
              new m.DescribeDBClusterParametersCommand({ DBClusterParameterGroupName: group, Marker: marker }),
            ),
          );
    if (r.fault) {
      const action = kind === 'instance' ? 'rds:DescribeDBParameters' : 'rds:DescribeDBClusterParameters';
      return { fault: faultCheck(`parameters of ${group}`, action, r.fault) };
    }
    for (const p of r.value.Parameters ?? [])
      if (p.ParameterName && names.includes(p.ParameterName)) values.set(p.ParameterName, p.ParameterValue);
    marker = r.value.Marker;
  } while (marker);
  return { values };
}

/** Whether `ip` is in the IPv4 `cidr`. */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits = '32'] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((v, o) => v * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
}

/** Everything of an RDS/Aurora source in AWS; the endpoint for `--connect` when the database was found. */
export async function rdsChecks(
  source: RdsSourceConfig,
  stackName: string,
  clients: StackClients,
  rule: EngineSupportRule = engineSupportProblem,
): Promise<{ checks: Check[]; endpoint?: DatabaseEndpoint }> {
  const engine = source.type as RdsEngine;
  const info = ENGINES[engine];
  const where = locate(source);
  // An RDS engine on a Multi-AZ DB cluster is described as a cluster, as Aurora is.
  const multiAz = source.dbClusterIdentifier !== undefined || source.resourceId?.startsWith('cluster-') === true;
  const found = await describe(clients, multiAz ? 'cluster' : info.kind, where);
  if (!found.database) return { checks: [found.fault!] };
  const db = found.database;
  const pipeMode = source.pipeMode ?? 'initial-load';
  const cli =
    db.kind === 'cluster'
      ? `aws rds modify-db-cluster --db-cluster-identifier ${db.id}`
      : `aws rds modify-db-instance --db-instance-identifier ${db.id}`;
  const checks: Check[] = [pass(`${db.kind === 'cluster' ? 'DB cluster' : 'DB instance'} ${db.id} exists`)];
  checks.push(
    check(
      `engine is ${info.terraformEngine}`,
      db.engine === info.terraformEngine,
      `the database is ${db.engine}: set the source's type to match it, or point the source at a ${info.label} database`,
      db.engine === info.terraformEngine ? undefined : db.engine,
    ),
  );
  const versionProblem = rule(engine, db.version, pipeMode, clients.region);
  checks.push(check(`engine version ${db.version} is supported`, versionProblem === undefined, versionProblem ?? ''));
  checks.push(
    check(
      'IAM database authentication is on',
      db.iamAuth,
      `${cli} --enable-iam-database-authentication --apply-immediately (console: Modify, Database authentication, Password and IAM database authentication)`,
    ),
  );
  if (pipeMode === 'cdc' && info.dialect === 'mysql') {
    checks.push(
      check(
        'automated backups are on (they turn the binary log on)',
        db.backupRetention >= 1,
        `${cli} --backup-retention-period 7 --apply-immediately`,
        `backup retention ${db.backupRetention} days`,
      ),
    );
  }
  if (pipeMode === 'cdc')
    checks.push(...(await parameterChecks(clients, db, info, source.create !== undefined, stackName)));
  if (source.networkAccess) checks.push(...(await networkChecks(clients, db, source, engine)));
  return { checks, endpoint: db.endpoint };
}

async function parameterChecks(
  clients: StackClients,
  db: Database,
  info: (typeof ENGINES)[RdsEngine],
  managed: boolean,
  stackName: string,
): Promise<Check[]> {
  const groupWord = db.kind === 'cluster' ? 'DB cluster parameter group' : 'DB parameter group';
  const group = db.parameterGroup;
  if (!group) return [fail(`the database has a ${groupWord}`, `give the database a custom ${groupWord}`)];
  const wanted = info.cdcParameters;
  const read = await parameterValues(
    clients,
    db.kind,
    group,
    wanted.map((p) => p.name),
  );
  if (!read.values) return [read.fault!];
  const checks: Check[] = [];
  const family = info.family(db.version);
  for (const p of wanted) {
    const value = read.values.get(p.name);
    const ok = value !== undefined && value.toLowerCase() === p.value.toLowerCase();
    const set = `--parameters "ParameterName=${p.name},ParameterValue=${p.value},ApplyMethod=${p.applyMethod}"`;
    const fix = managed
      ? applyFix(stackName)
      : group.startsWith('default.')
        ? `${group} is a default group, which cannot change: aws rds create-db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group --db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group-name clickpipes-${db.id} --db-parameter-group-family ${family} --description ClickPipes; then aws rds modify-db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group --db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group-name clickpipes-${db.id} ${set}; attach it to ${db.id} and reboot`
        : `aws rds modify-db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group --db-${db.kind === 'cluster' ? 'cluster-' : ''}parameter-group-name ${group} ${set}`;
    checks.push(
      check(`${p.name} = ${p.value} in ${groupWord} ${group}`, ok, fix, ok ? undefined : `is ${value ?? 'not set'}`),
    );
  }
  checks.push(
    check(
      'parameter changes applied (no reboot pending)',
      db.pendingReboot.length === 0,
      db.pendingReboot.map((id) => `aws rds reboot-db-instance --db-instance-identifier ${id}`).join('; '),
      db.pendingReboot.length ? `pending-reboot on ${db.pendingReboot.join(', ')}` : undefined,
    ),
  );
  return checks;
}

async function networkChecks(
  clients: StackClients,
  db: Database,
  source: RdsSourceConfig,
  engine: RdsEngine,
): Promise<Check[]> {
  const access = source.networkAccess!;
  const checks: Check[] = [];
  // Aurora reports public access per instance, not on the cluster: checked where the API gives it.
  if (db.publiclyAccessible !== undefined) {
    const cli =
      db.kind === 'cluster'
        ? `aws rds modify-db-cluster --db-cluster-identifier ${db.id} --publicly-accessible --apply-immediately`
        : `aws rds modify-db-instance --db-instance-identifier ${db.id} --publicly-accessible --apply-immediately`;
    checks.push(
      check(
        'publicly accessible (ClickPipes connects from public static IPs)',
        db.publiclyAccessible,
        `${cli} (and a subnet group with public subnets); or reach it over AWS PrivateLink and remove networkAccess`,
      ),
    );
  }
  const ips = clickPipesStaticIps(access.clickHouseRegion, access.serviceCreatedOn);
  if (ips.problem) return [...checks, fail('ClickPipes static IPs known', ips.problem[1])];
  const groups = access.securityGroupIds ?? db.securityGroups;
  const port = access.port ?? db.endpoint?.port ?? (ENGINES[engine].dialect === 'postgres' ? 5432 : 3306);
  const { m, c } = await clients.ec2();
  const r = await call(() =>
    c.send<DescribeSecurityGroupsOutput>(new m.DescribeSecurityGroupsCommand({ GroupIds: [...groups] })),
  );
  const name = `security groups ${groups.join(', ')} allow TCP ${port} from the ClickPipes IPs of ${ips.region}`;
  if (r.fault) return [...checks, faultCheck(name, 'ec2:DescribeSecurityGroups', r.fault)];
  const rules = (r.value.SecurityGroups ?? []).flatMap((g) => g.IpPermissions ?? []);
  const missing = ips.ips.filter(
    (ip) =>
      !rules.some(
        (p) =>
          (p.IpProtocol === '-1' ||
            (p.IpProtocol === 'tcp' && (p.FromPort ?? 0) <= port && port <= (p.ToPort ?? 65535))) &&
          (p.IpRanges ?? []).some((range) => range.CidrIp !== undefined && inCidr(ip, range.CidrIp)),
      ),
  );
  const fix = missing
    .map(
      (ip) =>
        `aws ec2 authorize-security-group-ingress --group-id ${groups[0]} --ip-permissions "IpProtocol=tcp,FromPort=${port},ToPort=${port},IpRanges=[{CidrIp=${ip}/32,Description=ClickPipes}]"`,
    )
    .join('; ');
  checks.push(check(name, missing.length === 0, fix, missing.length ? `missing ${missing.join(', ')}` : undefined));
  return checks;
}
