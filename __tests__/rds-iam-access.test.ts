import { Construct } from 'constructs';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsDbInstance } from '@cdktf/provider-aws/lib/data-aws-db-instance';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRdsCluster } from '@cdktf/provider-aws/lib/data-aws-rds-cluster';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { DbInstance, DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { RdsCluster } from '@cdktf/provider-aws/lib/rds-cluster';
import { RdsClusterParameterGroup } from '@cdktf/provider-aws/lib/rds-cluster-parameter-group';
import {
  ClickPipesRdsIamAccess,
  ClickPipesRdsIamAccessProps,
  ENGINES,
  PIPE_MODES,
  PipeMode,
  RDS_ENGINES,
  RdsEngine,
} from '../lib';
import { CLICKHOUSE_ROLE, blocks, only, policyDocuments, synthStack } from './helpers';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const INSTANCE_RID = 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CLUSTER_RID = 'cluster-ABCDEFGHIJKLMNOP';

/** The `multi-az-…` forms: an RDS Multi-AZ DB cluster (rds-postgres, rds-mysql only), by cluster identifier or `cluster-` ID. */
type Form = 'same-stack' | 'identifier' | 'resourceId' | 'multi-az-identifier' | 'multi-az-resourceId';
const FORMS: Form[] = ['same-stack', 'identifier', 'resourceId'];
const MULTI_AZ_ENGINES: RdsEngine[] = ['rds-postgres', 'rds-mysql'];
const MULTI_AZ_FORMS: Form[] = ['multi-az-identifier', 'multi-az-resourceId'];
/** The database is a DB cluster: Aurora, or a Multi-AZ DB cluster. */
const onCluster = (engine: RdsEngine, form: Form) => ENGINES[engine].kind === 'cluster' || form.startsWith('multi-az');

/** A database of this stack, of the right kind and engine. */
function sameStackDatabase(
  scope: Construct,
  engine: RdsEngine,
): Pick<ClickPipesRdsIamAccessProps, 'instance' | 'cluster'> {
  const info = ENGINES[engine];
  if (info.kind === 'instance') {
    return {
      instance: new DbInstance(scope, 'db', {
        engine: info.terraformEngine,
        engineVersion: info.defaultVersion,
        instanceClass: 'db.t4g.micro',
        allocatedStorage: 20,
      }),
    };
  }
  return { cluster: new RdsCluster(scope, 'db', { engine: info.terraformEngine, engineVersion: info.defaultVersion }) };
}

function databaseProps(scope: Construct, engine: RdsEngine, form: Form): Partial<ClickPipesRdsIamAccessProps> {
  const instance = ENGINES[engine].kind === 'instance';
  switch (form) {
    case 'same-stack':
      return sameStackDatabase(scope, engine);
    case 'identifier':
      return instance ? { dbInstanceIdentifier: 'orders-prod' } : { dbClusterIdentifier: 'orders-prod' };
    case 'resourceId':
      return { resourceId: instance ? INSTANCE_RID : CLUSTER_RID };
    case 'multi-az-identifier':
      return { dbClusterIdentifier: 'orders-prod' };
    case 'multi-az-resourceId':
      return { resourceId: CLUSTER_RID };
  }
}

function synthAccess(engine: RdsEngine, form: Form, extra: Partial<ClickPipesRdsIamAccessProps> = {}): string {
  return synthStack((scope) => {
    new ClickPipesRdsIamAccess(scope, 'orders', {
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      engine,
      accountId: ACCOUNT,
      region: REGION,
      ...databaseProps(scope, engine, form),
      ...extra,
    });
  });
}

/** A stack with one access construct, `orders`. */
const synthOrders = (props: ClickPipesRdsIamAccessProps) =>
  synthStack((scope) => new ClickPipesRdsIamAccess(scope, 'orders', props));

/** The statements of the `rds-db:connect` policy of `orders`. */
function connectStatements(synth: string) {
  const [, doc] = Object.entries(policyDocuments(synth)).find(([name]) => name.startsWith('orders_rds_db_connect'))!;
  return doc.statement as { effect: string; actions: string[]; resources: string[] }[];
}

/** How the policy names the resource ID for each form. */
function expectedResourceId(engine: RdsEngine, form: Form): RegExp {
  const instance = ENGINES[engine].kind === 'instance';
  switch (form) {
    case 'same-stack':
      return instance ? /^\$\{aws_db_instance\.db\.resource_id\}$/ : /^\$\{aws_rds_cluster\.db\.cluster_resource_id\}$/;
    case 'identifier':
      return instance
        ? /^\$\{data\.aws_db_instance\.orders_db_instance_[0-9A-F]+\.resource_id\}$/
        : /^\$\{data\.aws_rds_cluster\.orders_db_cluster_[0-9A-F]+\.cluster_resource_id\}$/;
    case 'resourceId':
      return new RegExp(`^${instance ? INSTANCE_RID : CLUSTER_RID}$`);
    case 'multi-az-identifier':
      return /^\$\{data\.aws_rds_cluster\.orders_db_cluster_[0-9A-F]+\.cluster_resource_id\}$/;
    case 'multi-az-resourceId':
      return new RegExp(`^${CLUSTER_RID}$`);
  }
}

/** PostgreSQL CDC on a database the construct does not manage needs the user's word. */
const needsReplicationStatement = (engine: RdsEngine, form: Form, mode: PipeMode) =>
  ENGINES[engine].dialect === 'postgres' && mode === 'cdc' && form !== 'same-stack';

const matrix = RDS_ENGINES.flatMap((engine) =>
  [...FORMS, ...(MULTI_AZ_ENGINES.includes(engine) ? MULTI_AZ_FORMS : [])].flatMap((form) =>
    PIPE_MODES.map((mode) => [engine, form, mode] as const),
  ),
);

describe.each(matrix)('%s, database %s, pipe mode %s', (engine, form, mode) => {
  const info = ENGINES[engine];
  const extra: Partial<ClickPipesRdsIamAccessProps> = {
    pipeMode: mode,
    // MySQL and MariaDB sources say what they read (issue 12).
    ...(info.dialect === 'mysql' ? { schemas: ['app'] } : {}),
    ...(needsReplicationStatement(engine, form, mode) ? { iamAuthForReplication: true } : {}),
  };

  if (needsReplicationStatement(engine, form, mode)) {
    test('refuses CDC unless replication over IAM is stated, saying what to set', () => {
      expect(() => synthAccess(engine, form, { pipeMode: mode })).toThrow(
        /orders\.pipeMode: "cdc" over IAM authentication on PostgreSQL needs PostgreSQL 11 or later with rds\.iam_auth_for_replication = 1 and rds\.logical_replication = 1 in the database's DB (cluster )?parameter group.*set iamAuthForReplication to true; or use "initial-load"/,
      );
    });
  }

  test('the role trusts exactly the ClickHouse role, for sts:AssumeRole and sts:TagSession', () => {
    const synth = synthAccess(engine, form, extra);
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'ClickHouseAccessRole-orders',
      max_session_duration: 3600,
      assume_role_policy: expect.stringMatching(
        /^\$\{data\.aws_iam_policy_document\.orders_trust_policy_[0-9A-F]+\.json\}$/,
      ),
    });
    const trust = Object.entries(policyDocuments(synth)).find(([name]) => name.startsWith('orders_trust_policy'))![1];
    expect(trust.statement).toEqual([
      {
        effect: 'Allow',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        principals: [{ type: 'AWS', identifiers: [CLICKHOUSE_ROLE] }],
      },
    ]);
  });

  test('the inline policy allows only rds-db:connect as the DB user on the resource ID', () => {
    const synth = synthAccess(engine, form, extra);
    expect(synth).toHaveResourceWithProperties(IamRolePolicy, { name: 'rds-db-connect' });
    const statements = connectStatements(synth);
    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement.effect).toBe('Allow');
    expect(statement.actions).toEqual(['rds-db:connect']);
    expect(statement.resources).toHaveLength(1);
    const m = /^arn:aws:rds-db:us-east-1:123456789012:dbuser:(.+)\/clickpipes_iam_user$/.exec(statement.resources[0]);
    expect(m).not.toBeNull();
    expect(m![1]).toMatch(expectedResourceId(engine, form));
  });

  test('outputs the role ARN and the SQL that creates the IAM database user', () => {
    const synth = synthAccess(engine, form, extra);
    const outputs = blocks(synth, 'output');
    expect(outputs).toContainEqual(
      expect.objectContaining({ value: expect.stringMatching(/^\$\{aws_iam_role\.orders_role_[0-9A-F]+\.arn\}$/) }),
    );
    const sql =
      info.dialect === 'postgres'
        ? 'CREATE USER "clickpipes_iam_user"; GRANT rds_iam TO "clickpipes_iam_user";' +
          (mode === 'cdc' ? ' GRANT rds_replication TO "clickpipes_iam_user";' : '')
        : "CREATE USER 'clickpipes_iam_user' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS';";
    expect(outputs).toContainEqual(expect.objectContaining({ value: sql }));
  });

  if (form === 'same-stack') {
    test('turns IAM database authentication on for the database of the stack', () => {
      const synth = synthAccess(engine, form, extra);
      expect(synth).toHaveResourceWithProperties(info.kind === 'instance' ? DbInstance : RdsCluster, {
        iam_database_authentication_enabled: true,
      });
    });

    test(
      mode === 'cdc'
        ? 'gives the database a parameter group with the CDC parameters'
        : 'leaves the parameter group alone',
      () => {
        const synth = synthAccess(engine, form, extra);
        const groupType = info.kind === 'instance' ? DbParameterGroup : RdsClusterParameterGroup;
        const groups = blocks(synth, 'resource', groupType.tfResourceType);
        if (mode === 'initial-load') {
          expect(groups).toHaveLength(0);
          return;
        }
        expect(groups).toHaveLength(1);
        expect(groups[0]).toMatchObject({
          family: info.family(info.defaultVersion),
          parameter: info.cdcParameters.map((p) => ({ name: p.name, value: p.value, apply_method: p.applyMethod })),
        });
        const db = only(synth, 'resource', info.kind === 'instance' ? 'aws_db_instance' : 'aws_rds_cluster');
        expect(db[info.kind === 'instance' ? 'parameter_group_name' : 'db_cluster_parameter_group_name']).toMatch(
          new RegExp(`^\\$\\{${groupType.tfResourceType}\\.orders_replication_parameters_[0-9A-F]+\\.name\\}$`),
        );
      },
    );
  }

  test(
    form === 'same-stack'
      ? 'no database prerequisites output: the stack turns IAM authentication on'
      : 'outputs the first step of the guide: turn IAM database authentication on, with the command',
    () => {
      const outputs = blocks(synthAccess(engine, form, extra), 'output');
      const prerequisites = outputs.filter((o) => String(o.description).startsWith('What the existing database needs'));
      if (form === 'same-stack') return expect(prerequisites).toEqual([]);
      const id = form.endsWith('identifier') ? 'orders-prod' : '<identifier>';
      const command = !onCluster(engine, form)
        ? `aws rds modify-db-instance --db-instance-identifier ${id} --enable-iam-database-authentication --apply-immediately`
        : `aws rds modify-db-cluster --db-cluster-identifier ${id} --enable-iam-database-authentication --apply-immediately`;
      expect(prerequisites).toEqual([expect.objectContaining({ value: expect.stringContaining(command) })]);
    },
  );

  if (form.endsWith('identifier')) {
    test('checks the looked-up database at plan time: postconditions in JSON, postcondition blocks in HCL', () => {
      const synth = synthAccess(engine, form, extra);
      const [lookup] = blocks(synth, 'data', onCluster(engine, form) ? 'aws_rds_cluster' : 'aws_db_instance');
      const conditions = (lookup.lifecycle as { postcondition: { condition: string; error_message: string }[] })
        .postcondition;
      expect(conditions[0]).toEqual({
        condition: `\${self.engine == "${info.terraformEngine}"}`,
        error_message: expect.stringMatching(/^ClickPipes source orders: .* orders-prod has engine \$\{self\.engine\}/),
      });
      expect(conditions.some((c) => c.condition.includes('iam_database_authentication_enabled'))).toBe(
        onCluster(engine, form),
      );
      // A Multi-AZ DB cluster of PostgreSQL has logical replication from 14.8-R2 / 15.3-R2 / 16 (CDC only).
      expect(conditions.some((c) => c.condition.includes('== 14 &&'))).toBe(
        form === 'multi-az-identifier' && info.dialect === 'postgres' && mode === 'cdc',
      );
      expect(conditions.some((c) => c.condition.includes('>= 12'))).toBe(info.dialect === 'postgres');
      let hcl = '';
      Testing.synthScope((scope) => {
        new AwsProvider(scope, 'aws', { region: REGION });
        new ClickPipesRdsIamAccess(scope, 'orders', {
          clickHouseIamRoleArn: CLICKHOUSE_ROLE,
          engine,
          accountId: ACCOUNT,
          region: REGION,
          ...databaseProps(scope, engine, form),
          ...extra,
        });
        hcl = Testing.synthHcl(scope as TerraformStack);
      });
      expect(hcl).not.toMatch(/postcondition\s*=/);
      expect(hcl.match(/^postcondition \{$/gm)).toHaveLength(conditions.length);
      expect(hcl).toContain(`condition = self.engine == "${info.terraformEngine}"`);
    });

    test('looks the database up by its identifier', () => {
      const synth = synthAccess(engine, form, extra);
      if (!onCluster(engine, form)) {
        expect(synth).toHaveDataSourceWithProperties(DataAwsDbInstance, { db_instance_identifier: 'orders-prod' });
      } else {
        expect(synth).toHaveDataSourceWithProperties(DataAwsRdsCluster, { cluster_identifier: 'orders-prod' });
      }
    });
  }
});

describe('refused combinations and bad props', () => {
  // schemas: MySQL and MariaDB sources name what they read (issue 12); PostgreSQL takes them too.
  const base = { clickHouseIamRoleArn: CLICKHOUSE_ROLE, accountId: ACCOUNT, region: REGION, schemas: ['app'] };
  const attempt =
    (
      props: Partial<ClickPipesRdsIamAccessProps> & { engine: RdsEngine },
      build?: (scope: Construct) => Partial<ClickPipesRdsIamAccessProps>,
    ) =>
    () =>
      synthStack(
        (scope) => new ClickPipesRdsIamAccess(scope, 'orders', { ...base, ...props, ...(build ? build(scope) : {}) }),
      );

  test.each([
    [
      'an Aurora engine with a DB instance identifier',
      { engine: 'aurora-postgres' as const, dbInstanceIdentifier: 'x' },
      /orders\.dbInstanceIdentifier: aurora-postgres is an Aurora cluster engine.*use dbClusterIdentifier/,
    ],
    // RDS for MySQL and PostgreSQL also run as Multi-AZ DB clusters (the matrix above); MariaDB does not.
    [
      'RDS for MariaDB with a cluster identifier',
      { engine: 'rds-mariadb' as const, dbClusterIdentifier: 'x' },
      /orders\.dbClusterIdentifier: rds-mariadb runs on a DB instance, not an Aurora cluster \(AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only; https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/UserGuide\/create-multi-az-db-cluster\.html\): use dbInstanceIdentifier/,
    ],
    [
      'a cluster resource ID for RDS for MariaDB',
      { engine: 'rds-mariadb' as const, resourceId: CLUSTER_RID },
      /orders\.resourceId: "cluster-ABCDEFGHIJKLMNOP" is a cluster resource ID \(Aurora or Multi-AZ DB cluster\), but this engine runs on a DB instance only \(AWS offers Multi-AZ DB clusters for MySQL and PostgreSQL only\); expected an instance resource ID/,
    ],
    [
      'a DB instance and a Multi-AZ DB cluster identifier at once',
      { engine: 'rds-postgres' as const, dbInstanceIdentifier: 'x', dbClusterIdentifier: 'x' },
      /orders\.database: name the database in exactly one way, not with dbInstanceIdentifier and dbClusterIdentifier/,
    ],
    [
      'PostgreSQL CDC on a Multi-AZ DB cluster below 14.8',
      {
        engine: 'rds-postgres' as const,
        dbClusterIdentifier: 'x',
        pipeMode: 'cdc' as const,
        iamAuthForReplication: true,
        engineVersion: '14.7',
      },
      /orders\.pipeMode: "cdc" reads the PostgreSQL write-ahead log with logical replication, which a Multi-AZ DB cluster supports from 14\.8-R2, 15\.3-R2, 16 on .*USER_MultiAZDBCluster_LogicalRepl\.html.*but the engine version is "14\.7": upgrade the DB cluster, or use "initial-load"/,
    ],
    [
      'PostgreSQL CDC on a Multi-AZ DB cluster (by resource ID) at 15.2',
      {
        engine: 'rds-postgres' as const,
        resourceId: CLUSTER_RID,
        pipeMode: 'cdc' as const,
        iamAuthForReplication: true,
        engineVersion: '15.2',
      },
      /orders\.pipeMode: .*Multi-AZ DB cluster supports from 14\.8-R2.*"15\.2"/,
    ],
    [
      'PostgreSQL CDC on a Multi-AZ DB cluster unstated, naming the DB cluster parameter group',
      { engine: 'rds-postgres' as const, dbClusterIdentifier: 'x', pipeMode: 'cdc' as const },
      /orders\.pipeMode: .*rds\.iam_auth_for_replication = 1 and rds\.logical_replication = 1 in the database's DB cluster parameter group/,
    ],
    [
      'an instance resource ID for Aurora',
      { engine: 'aurora-mysql' as const, resourceId: INSTANCE_RID },
      /orders\.resourceId: .* is a DB instance resource ID, but Aurora IAM authentication is granted on the cluster/,
    ],
    [
      'a resource ID that is not one',
      { engine: 'rds-mysql' as const, resourceId: 'db-abc*' },
      /orders\.resourceId: "db-abc\*" is not an RDS resource ID/,
    ],
    [
      'two ways to name the database',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, dbInstanceIdentifier: 'x' },
      /orders\.database: name the database in exactly one way, not with dbInstanceIdentifier and resourceId/,
    ],
    [
      'no database',
      { engine: 'rds-mysql' as const },
      /orders\.database: name the database in exactly one way: dbInstanceIdentifier, resourceId, instance/,
    ],
    [
      'a DB user with a wildcard',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, dbUser: 'click*' },
      /orders\.dbUser: "click\*" is not a usable database user name.*wildcards/,
    ],
    [
      'a PostgreSQL-reserved DB user',
      { engine: 'rds-postgres' as const, resourceId: INSTANCE_RID, dbUser: 'pg_reader' },
      /orders\.dbUser: "pg_reader" starts with "pg_"/,
    ],
    [
      'a MySQL DB user over 32 characters',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, dbUser: 'u'.repeat(33) },
      /orders\.dbUser: .* has 33 characters; this engine user names have 1 to 32/,
    ],
    [
      'a bad account ID',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, accountId: '12345' },
      /orders\.accountId: "12345" is not an AWS account ID; expected exactly 12 digits/,
    ],
    [
      'a bad region',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, region: 'useast1' },
      /orders\.region: "useast1" is not an AWS region code/,
    ],
    [
      'a region in another partition than the ClickHouse role',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, region: 'us-gov-west-1' },
      /orders\.region: the ClickHouse role .* is in partition aws but region "us-gov-west-1" is in partition aws-us-gov/,
    ],
    [
      'a bad ClickHouse role ARN',
      {
        engine: 'rds-mysql' as const,
        resourceId: INSTANCE_RID,
        clickHouseIamRoleArn: 'arn:aws:iam::111122223333:user/bob',
      },
      /orders\.clickHouseIamRoleArn: .* is not an IAM role ARN; expected the ClickHouse service's "Service role ID \(IAM\)"/,
    ],
    [
      'a role name over 64 characters',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, roleName: 'r'.repeat(65) },
      /orders\.roleName: .* has 65 characters; IAM role names have at most 64/,
    ],
    [
      'iamAuthForReplication on MySQL',
      { engine: 'rds-mysql' as const, resourceId: INSTANCE_RID, iamAuthForReplication: true },
      /orders\.iamAuthForReplication: applies to PostgreSQL engines only/,
    ],
    [
      'PostgreSQL CDC below version 11',
      {
        engine: 'rds-postgres' as const,
        resourceId: INSTANCE_RID,
        pipeMode: 'cdc' as const,
        iamAuthForReplication: true,
        engineVersion: '10.21',
      },
      /orders\.pipeMode: "cdc" over IAM authentication needs PostgreSQL 11 or later .* but the engine version is "10\.21"/,
    ],
    [
      'an unknown engine',
      { engine: 'rds-oracle' as unknown as RdsEngine, resourceId: INSTANCE_RID },
      /orders\.engine: "rds-oracle" is not an RDS\/Aurora engine; expected one of rds-postgres, aurora-postgres, rds-mysql, aurora-mysql, rds-mariadb/,
    ],
  ])('%s', (_name, props, message) => {
    expect(attempt(props)).toThrow(message);
  });

  test('a Multi-AZ DB cluster of this stack (RDS engine with cluster): refused, naming dbClusterIdentifier', () => {
    expect(
      attempt({ engine: 'rds-postgres' }, (scope) => ({
        cluster: new RdsCluster(scope, 'db', { engine: 'postgres', engineVersion: '16.4' }),
      })),
    ).toThrow(
      /orders\.cluster: rds-postgres on a Multi-AZ DB cluster of this stack is not set up by this library \(it creates DB instances only.*use instance, or name an existing Multi-AZ DB cluster with dbClusterIdentifier/,
    );
  });

  test.each([
    ['14.8', 'cdc'],
    ['15.3', 'cdc'],
    ['16.1', 'cdc'],
    ['17.2', 'cdc'],
    ['13.10', 'initial-load'],
  ] as const)('a Multi-AZ DB cluster of PostgreSQL %s is accepted for %s', (engineVersion, pipeMode) => {
    const synth = attempt({
      engine: 'rds-postgres',
      dbClusterIdentifier: 'orders-maz',
      pipeMode,
      iamAuthForReplication: pipeMode === 'cdc' ? true : undefined,
      engineVersion,
      // Listed tables: a publication of whole schemas needs PostgreSQL 15 (another rule).
      schemas: undefined,
      tables: [{ schema: 'app', name: 'orders' }],
    })();
    expect(synth).toHaveDataSourceWithProperties(DataAwsRdsCluster, { cluster_identifier: 'orders-maz' });
  });

  test('a Multi-AZ DB cluster: the prerequisites name the DB cluster parameter group and the cluster commands', () => {
    const synth = attempt({
      engine: 'rds-postgres',
      dbClusterIdentifier: 'orders-maz',
      pipeMode: 'cdc',
      iamAuthForReplication: true,
    })();
    const outputs = blocks(synth, 'output').map((o) => String(o.value));
    expect(outputs).toContainEqual(
      expect.stringContaining(
        "set in the database's DB cluster parameter group: rds.logical_replication = 1 (takes a reboot), rds.iam_auth_for_replication = 1",
      ),
    );
    expect(outputs).toContainEqual(
      expect.stringContaining('aws rds reboot-db-cluster --db-cluster-identifier <identifier>'),
    );
    expect(outputs).toContainEqual(
      expect.stringContaining(
        'IAM database authentication on for the Multi-AZ DB cluster (the ClickPipes guide\'s first step, "Enabling IAM DB authentication"',
      ),
    );
    const [lookup] = blocks(synth, 'data', 'aws_rds_cluster');
    const conditions = (lookup.lifecycle as { postcondition: { condition: string; error_message: string }[] })
      .postcondition;
    expect(conditions.map((c) => c.error_message)).toContainEqual(
      expect.stringMatching(
        /^ClickPipes source orders: Multi-AZ DB cluster orders-maz runs PostgreSQL \$\{self\.engine_version\}; CDC reads the write-ahead log/,
      ),
    );
  });

  // Issue 12: what AWS offers IAM DB authentication for (data/rds-iam-auth-support.json) and what ClickPipes reads.
  const IAM_PAGE = 'Concepts.RDS_Fea_Regions_DB-eng.Feature.IamDatabaseAuthentication.html';
  test.each([
    [
      'MariaDB 10.6, which has no IAM DB authentication in any Region',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, engineVersion: '10.6.14' },
      /orders\.engineVersion: "10\.6\.14": AWS offers IAM database authentication with RDS for MariaDB from 10\.11 \(AWS, "Supported Regions and DB engines for IAM database authentication in Amazon RDS/,
    ],
    [
      'MariaDB 10.11 in Asia Pacific (Taipei), which offers 11.4 and later',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, engineVersion: '10.11', region: 'ap-east-2' },
      /orders\.engineVersion: "10\.11": AWS offers IAM database authentication with RDS for MariaDB from 11\.4 in Asia Pacific \(Taipei\), ap-east-2/,
    ],
    [
      'MariaDB in Asia Pacific (Melbourne), which offers no version',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, region: 'ap-southeast-4' },
      /orders\.region: AWS offers IAM database authentication with RDS for MariaDB in no engine version in Asia Pacific \(Melbourne\), ap-southeast-4/,
    ],
    [
      'PostgreSQL 11, below what ClickPipes reads',
      { engine: 'aurora-postgres' as const, resourceId: CLUSTER_RID, engineVersion: '11.21' },
      /orders\.engineVersion: "11\.21": ClickPipes reads PostgreSQL 12 and later \(ClickHouse docs, https:\/\/clickhouse\.com\/docs\/integrations\/clickpipes\/postgres\/source\/rds\)/,
    ],
    [
      'Aurora MySQL binary logs kept over 2,160 hours',
      {
        engine: 'aurora-mysql' as const,
        resourceId: CLUSTER_RID,
        pipeMode: 'cdc' as const,
        binlogRetentionHours: 2161,
      },
      /orders\.binlogRetentionHours: 2161 is out of range; expected a whole number of hours from 1 to 2160, the longest Aurora MySQL keeps binary logs \(AWS, https:\/\/docs\.aws\.amazon\.com\/AmazonRDS\/latest\/AuroraUserGuide\/mysql-stored-proc-configuring\.html\)/,
    ],
    [
      'RDS for MariaDB binary logs kept over 168 hours',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, pipeMode: 'cdc' as const, binlogRetentionHours: 169 },
      /orders\.binlogRetentionHours: 169 is out of range; expected a whole number of hours from 1 to 168, the longest RDS for MariaDB keeps/,
    ],
  ])('refused: %s', (_name, props, message) => {
    expect(attempt(props)).toThrow(message);
    if (props.engine === 'rds-mariadb' && !('binlogRetentionHours' in props)) expect(attempt(props)).toThrow(IAM_PAGE);
  });

  test.each([
    [
      'MariaDB 10.11 in us-east-1',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, engineVersion: '10.11.9' },
    ],
    [
      'MariaDB 11.4 in Asia Pacific (Taipei)',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, engineVersion: '11.4', region: 'ap-east-2' },
    ],
    [
      'MariaDB of unknown version in Asia Pacific (Taipei)',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, region: 'ap-east-2' },
    ],
    ['PostgreSQL 12', { engine: 'aurora-postgres' as const, resourceId: CLUSTER_RID, engineVersion: '12.22' }],
    [
      'Aurora MySQL binary logs kept 2,160 hours',
      {
        engine: 'aurora-mysql' as const,
        resourceId: CLUSTER_RID,
        pipeMode: 'cdc' as const,
        binlogRetentionHours: 2160,
      },
    ],
    [
      'RDS for MariaDB binary logs kept 168 hours',
      { engine: 'rds-mariadb' as const, resourceId: INSTANCE_RID, pipeMode: 'cdc' as const, binlogRetentionHours: 168 },
    ],
  ])('accepted at the boundary: %s', (_name, props) => {
    expect(attempt(props)).not.toThrow();
  });

  // A database of the same stack that the construct must refuse: [what, source type, pipe mode, database, message].
  const instance = (config: Partial<DbInstanceConfig>) => (scope: Construct) => ({
    instance: new DbInstance(scope, 'db', { engine: 'postgres', instanceClass: 'db.t4g.micro', ...config }),
  });
  test.each([
    [
      'an instance of another engine',
      'rds-postgres',
      'initial-load',
      instance({ engine: 'mysql' }),
      /orders\.instance: has engine "mysql", but source type rds-postgres needs engine "postgres"/,
    ],
    [
      'IAM authentication explicitly off',
      'rds-postgres',
      'initial-load',
      instance({ iamDatabaseAuthenticationEnabled: false }),
      /orders\.instance: sets iam_database_authentication_enabled to false/,
    ],
    [
      'PostgreSQL CDC below version 11',
      'rds-postgres',
      'cdc',
      instance({ engineVersion: '10.21' }),
      /orders\.pipeMode: "cdc" over IAM authentication needs PostgreSQL 11 or later/,
    ],
    [
      'CDC without a literal engine version',
      'aurora-mysql',
      'cdc',
      (scope: Construct) => ({ cluster: new RdsCluster(scope, 'db', { engine: 'aurora-mysql' }) }),
      /orders\.cluster: has no literal engine_version/,
    ],
    [
      'MySQL CDC without automated backups',
      'rds-mysql',
      'cdc',
      instance({ engine: 'mysql', engineVersion: '8.0', backupRetentionPeriod: 0 }),
      /orders\.instance: sets backup_retention_period to 0/,
    ],
    [
      'network access to an instance that is not publicly accessible (issue 12)',
      'rds-postgres',
      'initial-load',
      (scope: Construct) => ({
        instance: new DbInstance(scope, 'db', {
          engine: 'postgres',
          engineVersion: '16',
          instanceClass: 'db.t4g.micro',
          vpcSecurityGroupIds: ['sg-00000000000000001'],
        }),
        networkAccess: { clickHouseRegion: 'us-east-1' },
      }),
      /orders\.networkAccess: adds ingress from the ClickPipes static IPs, which are public NAT addresses, but the database this stack creates is not publicly accessible .*publiclyAccessible = true on the DB instance/,
    ],
  ] as const)('same-stack database: %s', (_what, engine, pipeMode, build, message) => {
    expect(attempt({ engine, pipeMode }, build)).toThrow(message);
  });

  test('network access to a publicly accessible instance of the stack is accepted (issue 12)', () => {
    const build = (scope: Construct) => ({
      instance: new DbInstance(scope, 'db', {
        engine: 'postgres',
        engineVersion: '16',
        instanceClass: 'db.t4g.micro',
        vpcSecurityGroupIds: ['sg-00000000000000001'],
        publiclyAccessible: true,
      }),
      networkAccess: { clickHouseRegion: 'us-east-1' },
    });
    expect(attempt({ engine: 'rds-postgres' }, build)).not.toThrow();
  });

  test('PostgreSQL CDC on a same-stack instance with its own parameter group needs the user to say the parameters are set', () => {
    const build = (scope: Construct) => ({
      instance: new DbInstance(scope, 'db', {
        engine: 'postgres',
        engineVersion: '16',
        instanceClass: 'db.t4g.micro',
        parameterGroupName: 'mine',
      }),
    });
    expect(attempt({ engine: 'rds-postgres', pipeMode: 'cdc' }, build)).toThrow(
      /orders\.pipeMode: "cdc" over IAM authentication on PostgreSQL needs/,
    );
    const synth = synthStack(
      (scope) =>
        new ClickPipesRdsIamAccess(scope, 'orders', {
          ...base,
          engine: 'rds-postgres',
          pipeMode: 'cdc',
          iamAuthForReplication: true,
          ...build(scope),
        }),
    );
    expect(synth).toHaveResourceWithProperties(DbInstance, {
      parameter_group_name: 'mine',
      iam_database_authentication_enabled: true,
    });
    expect(blocks(synth, 'resource', 'aws_db_parameter_group')).toHaveLength(0);
  });

  test('reports every problem at once, the shared props first, and builds nothing', () => {
    let stackJson = '';
    expect(() =>
      synthStack((scope) => {
        try {
          new ClickPipesRdsIamAccess(scope, 'orders', {
            ...base,
            engine: 'rds-mysql',
            resourceId: 'nope',
            dbUser: 'a*',
            accountId: '1',
            clickHouseIamRoleArn: 'x',
            roleName: 'a/b',
          });
        } finally {
          stackJson = JSON.stringify(scope.node.findAll().map((c) => c.node.path));
        }
      }),
    ).toThrow(
      /^5 problems:\n {2}- stack\/orders\.clickHouseIamRoleArn: .*\n {2}- stack\/orders\.roleName: .*\n {2}- stack\/orders\.accountId: .*\n {2}- stack\/orders\.resourceId: .*\n {2}- stack\/orders\.dbUser: [^\n]*$/,
    );
    expect(stackJson).toBe('["stack","stack/aws","stack/orders"]');
  });
});

describe('ARN parts', () => {
  const literal = {
    engine: 'rds-mysql',
    resourceId: INSTANCE_RID,
    accountId: ACCOUNT,
    region: REGION,
    schemas: ['app'],
  } as const;

  test.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eu-central-2', 'aws'],
  ])('region %s gives partition %s', (region, partition) => {
    const clickHouseIamRoleArn = CLICKHOUSE_ROLE.replace('arn:aws:', `arn:${partition}:`);
    const synth = synthOrders({ ...literal, clickHouseIamRoleArn, region });
    expect(connectStatements(synth)[0].resources).toEqual([
      `arn:${partition}:rds-db:${region}:${ACCOUNT}:dbuser:${INSTANCE_RID}/clickpipes_iam_user`,
    ]);
  });

  test("without accountId and region, the provider's account, region and partition are read", () => {
    const synth = synthOrders({
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      engine: 'aurora-postgres',
      resourceId: CLUSTER_RID,
    });
    expect(synth).toHaveDataSource(DataAwsRegion);
    expect(synth).toHaveDataSource(DataAwsCallerIdentity);
    expect(synth).toHaveDataSource(DataAwsPartition);
    expect(connectStatements(synth)[0].resources[0]).toMatch(
      /^arn:\$\{data\.aws_partition\.orders_partition_[0-9A-F]+\.partition\}:rds-db:\$\{data\.aws_region\.orders_region_[0-9A-F]+\.region\}:\$\{data\.aws_caller_identity\.orders_account_[0-9A-F]+\.account_id\}:dbuser:cluster-ABCDEFGHIJKLMNOP\/clickpipes_iam_user$/,
    );
  });

  test('a custom DB user, role name, boundary and tags', () => {
    const synth = synthOrders({
      ...literal,
      engine: 'rds-postgres',
      clickHouseIamRoleArn: CLICKHOUSE_ROLE,
      dbUser: 'Reporting_User',
      roleName: 'clickpipes-orders',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      tags: { team: 'data' },
    });
    expect(synth).toHaveResourceWithProperties(IamRole, {
      name: 'clickpipes-orders',
      permissions_boundary: 'arn:aws:iam::123456789012:policy/boundary',
      tags: { team: 'data' },
    });
    expect(connectStatements(synth)[0].resources).toEqual([
      `arn:aws:rds-db:us-east-1:${ACCOUNT}:dbuser:${INSTANCE_RID}/Reporting_User`,
    ]);
    // Quoted, so that PostgreSQL keeps the case that IAM tokens carry.
    expect(blocks(synth, 'output')).toContainEqual(
      expect.objectContaining({ value: 'CREATE USER "Reporting_User"; GRANT rds_iam TO "Reporting_User";' }),
    );
  });

  test('outputs can be left out', () => {
    const synth = synthOrders({ ...literal, clickHouseIamRoleArn: CLICKHOUSE_ROLE, outputs: false });
    expect(blocks(synth, 'output')).toHaveLength(0);
  });
});
