/**
 * The port RDS gives a database of an engine family unless told otherwise: the default port of each SQL dialect's engines on RDS and Aurora (the engines' own defaults,
 * which RDS keeps: PostgreSQL 5432, MySQL and MariaDB 3306). A file of its own so that the
 * connect helper reads it without loading the constructs.
 */
export const DEFAULT_DB_PORTS = { postgres: 5432, mysql: 3306 } as const;
