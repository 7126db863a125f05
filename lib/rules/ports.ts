/**
 * The port RDS gives a database of an engine family unless told otherwise: PostgreSQL and Aurora
 * PostgreSQL 5432, MySQL, Aurora MySQL and MariaDB 3306 (the RDS API's CreateDBInstance and
 * CreateDBCluster `Port` defaults, https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
 * and …/API_CreateDBCluster.html, read 2026-12-02). A file of its own so that the connect helper
 * reads it without loading the constructs.
 */
export const DEFAULT_DB_PORTS = { postgres: 5432, mysql: 3306 } as const;
