/**
 * The few parts of the ClickHouse Terraform provider (`ClickHouse/clickhouse`) this library
 * uses, as small typed classes on cdktf's base classes: no prebuilt binding of the provider is
 * published, and `cdktf get` needs the Terraform registry.
 *
 * Written from the provider's documentation (docs/index.md, docs/data-sources/service.md of
 * ClickHouse/terraform-provider-clickhouse); `clickhouse_service` exists from version 3.21.0.
 */
import { Construct } from 'constructs';
import { LookupCondition, jsonLifecycle, withHclLifecycle } from './database-lookup';
import { ownScope } from '../framework';
import { TerraformDataSource, TerraformProvider, stringToHclTerraform, stringToTerraform } from 'cdktf';

/** The provider's registry source. */
export const CLICKHOUSE_PROVIDER_SOURCE = 'ClickHouse/clickhouse';
/** The provider version the stacks pin (`required_providers`). */
export const CLICKHOUSE_PROVIDER_VERSION = '3.25.3';

const generatorMetadata = { providerName: 'clickhouse', providerVersion: CLICKHOUSE_PROVIDER_VERSION };

/** Props of {@link ClickHouseProvider}. Credentials are not props: they stay in the environment. */
export interface ClickHouseProviderConfig {
  /**
   * The ClickHouse Cloud organization ID.
   * @default the `CLICKHOUSE_ORG_ID` environment variable of the Terraform run
   */
  readonly organizationId?: string;
  /**
   * The ClickHouse Cloud API URL.
   * @default the provider's (or `CLICKHOUSE_API_URL`)
   */
  readonly apiUrl?: string;
  /** Provider alias. @default none */
  readonly alias?: string;
}

/**
 * The `clickhouse` provider. It authenticates with `CLICKHOUSE_TOKEN_KEY` and
 * `CLICKHOUSE_TOKEN_SECRET` (an API key of the organization; read access suffices for the
 * data source), which never go into the synthesized Terraform.
 */
export class ClickHouseProvider extends TerraformProvider {
  private readonly config: ClickHouseProviderConfig;

  constructor(scope: Construct, id: string, config: ClickHouseProviderConfig = {}) {
    super(ownScope(scope, id), id, {
      terraformResourceType: 'clickhouse',
      terraformGeneratorMetadata: generatorMetadata,
      terraformProviderSource: CLICKHOUSE_PROVIDER_SOURCE,
    });
    this.config = config;
  }

  public get alias(): string | undefined {
    return this.config?.alias;
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      organization_id: stringToTerraform(this.config.organizationId),
      api_url: stringToTerraform(this.config.apiUrl),
    };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    const attribute = (value: string | undefined) => ({
      value: stringToHclTerraform(value),
      isBlock: false,
      type: 'simple',
      storageClassType: 'string',
    });
    const attrs = { organization_id: attribute(this.config.organizationId), api_url: attribute(this.config.apiUrl) };
    return Object.fromEntries(Object.entries(attrs).filter(([, a]) => a.value !== undefined));
  }
}

/** Props of {@link DataClickHouseService}. */
export interface DataClickHouseServiceConfig {
  /** The service ID (a UUID). */
  readonly id: string;
  /** The provider to read it with. @default the stack's `clickhouse` provider */
  readonly provider?: ClickHouseProvider;
}

/**
 * Role-based access (an IAM role the service assumes) exists for ClickHouse Cloud services on AWS
 * only: a service on GCP or Azure has no `iam_role` to trust, so the plan stops (issue 12).
 */
const SERVICE_CONDITIONS = (serviceId: string): LookupCondition[] => [
  {
    condition: 'self.cloud_provider == "aws"',
    errorMessage:
      `ClickHouse service ${serviceId} runs on \${self.cloud_provider}; ClickPipes role-based access to AWS (an IAM role ` +
      'that the service assumes) needs a ClickHouse Cloud service on AWS (ClickHouse docs, accessing S3 data securely / ' +
      'ClickPipes AWS IAM DB authentication): use a service on AWS, or password or key authentication in ClickPipes.',
  },
];

/**
 * The `clickhouse_service` data source: one ClickHouse Cloud service looked up by `id`. Only
 * the attributes this library reads are typed; {@link getStringAttribute} reaches the others.
 */
export class DataClickHouseService extends TerraformDataSource {
  private readonly serviceId: string;

  constructor(scope: Construct, id: string, config: DataClickHouseServiceConfig) {
    super(ownScope(scope, id), id, {
      terraformResourceType: 'clickhouse_service',
      terraformGeneratorMetadata: generatorMetadata,
      provider: config.provider,
      lifecycle: jsonLifecycle(SERVICE_CONDITIONS(config.id)),
    });
    this.serviceId = config.id;
  }

  /** HCL with the postcondition as a block (cdktf 0.21 writes it as an argument; see database-lookup.ts). */
  public toHclTerraform(): { data: Record<string, Record<string, Record<string, unknown>>> } {
    return withHclLifecycle(
      super.toHclTerraform() as never,
      this.terraformResourceType,
      this.friendlyUniqueId,
      SERVICE_CONDITIONS(this.serviceId),
    );
  }

  /** The IAM role the service assumes to reach AWS resources: the principal ClickPipes roles trust. */
  public get iamRole(): string {
    return this.getStringAttribute('iam_role');
  }

  /** The service's name. */
  public get name(): string {
    return this.getStringAttribute('name');
  }

  /** The service's cloud provider: `aws`, `gcp` or `azure`. */
  public get cloudProvider(): string {
    return this.getStringAttribute('cloud_provider');
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { id: stringToTerraform(this.serviceId) };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      id: { value: stringToHclTerraform(this.serviceId), isBlock: false, type: 'simple', storageClassType: 'string' },
    };
  }
}
