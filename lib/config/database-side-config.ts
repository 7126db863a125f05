import { z } from 'zod';
import { CLICKPIPES_REGIONS } from '../rules/static-ips';
import { DEFAULT_BINLOG_RETENTION_HOURS, DEFAULT_PUBLICATION, MAX_BINLOG_RETENTION_HOURS } from '../database/setup-sql';

/**
 * The config fields of an RDS/Aurora source for the database side: what ClickPipes reads (the
 * grants of the setup SQL) and network access from the ClickPipes static IPs. Their rules are
 * checked with the source's (`rdsAccessProblems`), so that problems carry config paths.
 */
export const databaseSideConfigFields = {
  schemas: z.array(z.string()).optional().meta({
    description:
      'Schemas (PostgreSQL) or databases (MySQL, MariaDB) ClickPipes reads, every table present and future. Default: ["public"] on PostgreSQL, none on MySQL/MariaDB. Not with tables.',
  }),
  tables: z
    .array(
      z.strictObject({
        schema: z.string().meta({ description: 'Schema (PostgreSQL) or database (MySQL, MariaDB).' }),
        name: z.string().meta({ description: 'Table name, exactly as in the database.' }),
      }),
    )
    .optional()
    .meta({ description: 'Single tables ClickPipes reads, instead of schemas.' }),
  publication: z
    .string()
    .optional()
    .meta({ description: `PostgreSQL CDC: the publication ClickPipes reads. Default: ${DEFAULT_PUBLICATION}.` }),
  binlogRetentionHours: z
    .int()
    .optional()
    .meta({
      description: `MySQL/MariaDB CDC: hours RDS keeps binary logs, 1 to ${MAX_BINLOG_RETENTION_HOURS} (RDS for MySQL and MariaDB) or 2160 (Aurora MySQL 2.11 and later, and 3). Default: ${DEFAULT_BINLOG_RETENTION_HOURS}.`,
    }),
  networkAccess: z
    .strictObject({
      clickHouseRegion: z.string().meta({
        description: `AWS region of the ClickPipes region serving the ClickHouse service: ${CLICKPIPES_REGIONS.join(', ')}.`,
      }),
      serviceCreatedOn: z.string().optional().meta({
        description:
          'Day the ClickHouse service was created, YYYY-MM-DD: needed in regions the ClickHouse docs split by creation date.',
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      }),
      securityGroupIds: z.array(z.string()).optional().meta({
        description: "The database's security groups. Default: create.vpcSecurityGroupIds.",
      }),
      port: z.int().optional().meta({ description: "Database port. Default: the database's, else the engine's." }),
    })
    .optional()
    .meta({ description: 'Ingress on the database port from the ClickPipes static IPs of the service region.' }),
};
