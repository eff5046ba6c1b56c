#!/bin/sh
# One database and one role per service. Each role owns its database and nobody else may
# connect to it, so payments cannot read or write the ledger's tables, nor the reverse.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE payments LOGIN PASSWORD '${PAYMENTS_DB_PASSWORD}';
CREATE ROLE ledger LOGIN PASSWORD '${LEDGER_DB_PASSWORD}';
CREATE DATABASE payments OWNER payments;
CREATE DATABASE ledger OWNER ledger;
REVOKE ALL ON DATABASE payments FROM PUBLIC;
REVOKE ALL ON DATABASE ledger FROM PUBLIC;
-- The payments relay names the transaction that holds its reads back, which may be the ledger's
-- (one cluster here): it must see other roles' pg_stat_activity rows. Read-only statistics.
GRANT pg_read_all_stats TO payments;
SQL
