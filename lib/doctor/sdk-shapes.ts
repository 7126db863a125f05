/**
 * The fields of the AWS API responses that the doctor reads, as the SDK v3 clients return them.
 *
 * Decision: the SDK is loaded by a module name the compiler does not follow (see aws.ts), because
 * its type declarations (EC2's and RDS's above all) doubled the project's type-check time and
 * memory, which `npm test` and `cdktf synth` pay on every run. These few shapes stand in for them.
 */

export interface AwsClient {
  send<T>(command: unknown): Promise<T>;
  destroy(): void;
}

/** A client module: its command classes by name, e.g. `GetRoleCommand`. */
export type AwsModule = Record<string, new (input: object) => unknown>;

export interface GetCallerIdentityOutput {
  Account?: string;
}
export interface GetRoleOutput {
  Role?: { AssumeRolePolicyDocument?: string };
}
export interface ListRolePoliciesOutput {
  PolicyNames?: string[];
}
export interface GetRolePolicyOutput {
  PolicyDocument?: string;
}

interface SecurityGroupMembership {
  VpcSecurityGroupId?: string;
}
export interface DescribeDBInstancesOutput {
  DBInstances?: {
    DBInstanceIdentifier?: string;
    Engine?: string;
    EngineVersion?: string;
    IAMDatabaseAuthenticationEnabled?: boolean;
    BackupRetentionPeriod?: number;
    PubliclyAccessible?: boolean;
    DBName?: string;
    Endpoint?: { Address?: string; Port?: number };
    DBParameterGroups?: { DBParameterGroupName?: string; ParameterApplyStatus?: string }[];
    VpcSecurityGroups?: SecurityGroupMembership[];
  }[];
}
export interface DescribeDBClustersOutput {
  DBClusters?: {
    DBClusterIdentifier?: string;
    Engine?: string;
    EngineVersion?: string;
    IAMDatabaseAuthenticationEnabled?: boolean;
    BackupRetentionPeriod?: number;
    PubliclyAccessible?: boolean;
    DatabaseName?: string;
    Endpoint?: string;
    Port?: number;
    DBClusterParameterGroup?: string;
    DBClusterMembers?: { DBInstanceIdentifier?: string; DBClusterParameterGroupStatus?: string }[];
    VpcSecurityGroups?: SecurityGroupMembership[];
  }[];
}
export interface DescribeParametersOutput {
  Parameters?: { ParameterName?: string; ParameterValue?: string }[];
  Marker?: string;
}
export interface DescribeSecurityGroupsOutput {
  SecurityGroups?: {
    IpPermissions?: { IpProtocol?: string; FromPort?: number; ToPort?: number; IpRanges?: { CidrIp?: string }[] }[];
  }[];
}
export interface DescribeStreamSummaryOutput {
  StreamDescriptionSummary?: { StreamStatus?: string; EncryptionType?: string; KeyId?: string };
}
export interface GetBucketLocationOutput {
  LocationConstraint?: string;
}
export interface GetBucketRequestPaymentOutput {
  Payer?: string;
}
export interface GetBucketEncryptionOutput {
  ServerSideEncryptionConfiguration?: {
    Rules?: { ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string } }[];
  };
}
export interface GetQueueUrlOutput {
  QueueUrl?: string;
}
type MskAuth = { Sasl?: { Iam?: { Enabled?: boolean } } };
export interface DescribeClusterV2Output {
  ClusterInfo?: {
    State?: string;
    CurrentVersion?: string;
    Provisioned?: { ClientAuthentication?: MskAuth };
    Serverless?: { ClientAuthentication?: MskAuth };
  };
}
