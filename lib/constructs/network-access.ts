import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { FieldProblem, throwIfProblems } from '../errors';
import { ownScope } from '../framework';
import { clickPipesStaticIps } from '../rules/static-ips';
import { repeatedItemProblems } from '../rules/validation';
import { DEFAULT_DB_PORTS } from '../rules/ports';

/** Where ClickPipes connects from: the ClickHouse service's region, and which security groups to open. */
export interface ClickPipesNetworkAccessOptions {
  /**
   * The AWS region of the ClickPipes region that serves the ClickHouse Cloud service, e.g.
   * `us-east-1` (see `data/clickpipes-static-ips.json` for the known ones).
   */
  readonly clickHouseRegion: string;
  /**
   * The day the ClickHouse service was created (`YYYY-MM-DD`): required in regions that the
   * ClickHouse docs split by creation date.
   * @default none
   */
  readonly serviceCreatedOn?: string;
  /**
   * The database's security groups to add the ingress rules to.
   * @default the `vpcSecurityGroupIds` of a database the stack creates; otherwise required
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * The database port.
   * @default the database's port (a database of the stack or looked up), else the engine's default port
   */
  readonly port?: number;
}

/** Props of {@link ClickPipesNetworkAccess}. */
export interface ClickPipesNetworkAccessProps extends ClickPipesNetworkAccessOptions {
  readonly securityGroupIds: readonly string[];
  readonly port: number;
  /** Names the source in rule descriptions. */
  readonly sourceName: string;
}

/** The port RDS gives a database of an engine family unless told otherwise. */
export { DEFAULT_DB_PORTS };

const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;

/** The problems of network access options (the IP list's region and date, the group IDs, the port). */
export function networkAccessProblems(o: ClickPipesNetworkAccessOptions, within = 'networkAccess'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const prefix = within ? `${within}.` : '';
  const ips = clickPipesStaticIps(o.clickHouseRegion, o.serviceCreatedOn);
  if (ips.problem) problems.push([`${prefix}${ips.problem[0]}`, ips.problem[1]]);
  (o.securityGroupIds ?? []).forEach((id, n) => {
    if (!Token.isUnresolved(id) && !SECURITY_GROUP_ID.test(id)) {
      problems.push([
        `${prefix}securityGroupIds[${n}]`,
        `${JSON.stringify(id)} is not a security group ID; expected one like "sg-0123456789abcdef0"`,
      ]);
    }
  });
  problems.push(...repeatedItemProblems(o.securityGroupIds ?? [], `${prefix}securityGroupIds`, 'security group'));
  if (o.securityGroupIds?.length === 0) {
    problems.push([`${prefix}securityGroupIds`, "is empty; list the database's security groups"]);
  }
  if (
    o.port !== undefined &&
    !Token.isUnresolved(o.port) &&
    !(Number.isInteger(o.port) && o.port > 0 && o.port < 65536)
  ) {
    problems.push([`${prefix}port`, `${o.port} is not a TCP port; expected a whole number from 1 to 65535`]);
  }
  return problems;
}

/**
 * Ingress on the database port from the ClickPipes static NAT IPs that serve a ClickHouse
 * service's region, as the ClickPipes source guides ask ("add the documented static NAT IPs to the
 * inbound rules of your RDS security group"): one `aws_vpc_security_group_ingress_rule` per
 * security group and IP (`/32`), named by both so that addresses stay put when the list changes.
 *
 * The IPs come from the versioned data file `data/clickpipes-static-ips.json` (its source and date
 * are in the file); `region` says which ClickPipes region's list was used.
 */
export class ClickPipesNetworkAccess extends Construct {
  /** The IPs the rules allow. */
  public readonly ips: readonly string[];
  /** The ClickPipes region whose IPs were used (another one for services older than a region's split). */
  public readonly region: string;
  public readonly rules: readonly VpcSecurityGroupIngressRule[];

  constructor(scope: Construct, id: string, props: ClickPipesNetworkAccessProps) {
    super(ownScope(scope, id), id);
    throwIfProblems(this.node.path, networkAccessProblems(props, ''));
    const result = clickPipesStaticIps(props.clickHouseRegion, props.serviceCreatedOn);
    if (result.problem) throw new Error('unreachable: checked above');
    this.ips = result.ips;
    this.region = result.region;
    const rules: VpcSecurityGroupIngressRule[] = [];
    props.securityGroupIds.forEach((group, n) => {
      const groupKey = Token.isUnresolved(group) ? String(n) : group;
      for (const ip of result.ips) {
        rules.push(
          new VpcSecurityGroupIngressRule(this, `${groupKey}_${ip.replace(/\./g, '_')}`, {
            securityGroupId: group,
            ipProtocol: 'tcp',
            fromPort: props.port,
            toPort: props.port,
            cidrIpv4: `${ip}/32`,
            description: `ClickPipes (${result.region} static IP) to the database of source ${props.sourceName}`,
          }),
        );
      }
    });
    this.rules = rules;
  }
}
