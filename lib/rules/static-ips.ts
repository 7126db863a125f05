import data = require('../../data/clickpipes-static-ips.json');

/** One ClickPipes region of the data file: its static NAT IPs, and since when new services use them. */
export interface ClickPipesRegionIps {
  readonly name: string;
  readonly ips: readonly string[];
  /** Services created before this day (`YYYY-MM-DD`) use the IPs of region {@link before}. */
  readonly since?: string;
  readonly before?: string;
}

/** The data file `data/clickpipes-static-ips.json`: its source, and the IPs per AWS region. */
export const CLICKPIPES_STATIC_IPS: {
  readonly version: string;
  readonly source: {
    readonly repository: string;
    readonly path: string;
    readonly commit: string;
    readonly url: string;
  };
  readonly aws: Readonly<Record<string, ClickPipesRegionIps>>;
} = data;

/** The AWS regions of ClickHouse Cloud services that the data file knows, sorted. */
export const CLICKPIPES_REGIONS: readonly string[] = Object.keys(CLICKPIPES_STATIC_IPS.aws).sort();

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The ClickPipes IPs of a service, or the problem (with the field it concerns). */
export type StaticIpsResult =
  | { readonly ips: readonly string[]; readonly region: string; readonly problem?: undefined }
  | { readonly problem: readonly [field: 'clickHouseRegion' | 'serviceCreatedOn', message: string] };

/**
 * The static NAT IPs ClickPipes connects from for a ClickHouse Cloud service in AWS region
 * `clickHouseRegion`, created on `serviceCreatedOn` (`YYYY-MM-DD`). Where the ClickHouse docs
 * split a region by service creation date, services created before the split use another
 * region's IPs, so the date is required there.
 */
export function clickPipesStaticIps(clickHouseRegion: string, serviceCreatedOn?: string): StaticIpsResult {
  const entry = CLICKPIPES_STATIC_IPS.aws[clickHouseRegion];
  if (!entry) {
    return {
      problem: [
        'clickHouseRegion',
        `${JSON.stringify(clickHouseRegion)} is not a ClickPipes region of the static IP list (${CLICKPIPES_STATIC_IPS.version}); ` +
          `expected one of ${CLICKPIPES_REGIONS.join(', ')}. The ClickHouse docs serve regions they do not list from ` +
          'eu-central-1 (EU) or us-east-2 (all others): give that region',
      ],
    };
  }
  if (serviceCreatedOn !== undefined && (!DATE.test(serviceCreatedOn) || Number.isNaN(Date.parse(serviceCreatedOn)))) {
    return {
      problem: [
        'serviceCreatedOn',
        `${JSON.stringify(serviceCreatedOn)} is not a date; expected the day the ClickHouse service was created, as YYYY-MM-DD`,
      ],
    };
  }
  if (entry.since === undefined || entry.before === undefined) return { ips: entry.ips, region: clickHouseRegion };
  if (serviceCreatedOn === undefined) {
    return {
      problem: [
        'serviceCreatedOn',
        `is missing; ClickPipes serves services in ${clickHouseRegion} created on or after ${entry.since} from ${clickHouseRegion}'s IPs ` +
          `and older ones from ${entry.before}'s: give the day the ClickHouse service was created, as YYYY-MM-DD`,
      ],
    };
  }
  const region = serviceCreatedOn >= entry.since ? clickHouseRegion : entry.before;
  return { ips: CLICKPIPES_STATIC_IPS.aws[region].ips, region };
}
