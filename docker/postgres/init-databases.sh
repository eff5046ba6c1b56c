#!/bin/sh
# One database per service and two roles each: the owner (`payments`, `ledger`), which runs the
# migrations, and the runtime role (`payments_app`, `ledger_app`), which the service connects as
# and which gets only DML on the tables the migrations create (apps grant it; see
# libs/config/src/migrate-as-owner.ts). Nobody else may connect to a database, so neither service
# can read or write the other's tables.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE payments LOGIN PASSWORD '${PAYMENTS_DB_PASSWORD}';
CREATE ROLE payments_app LOGIN PASSWORD '${PAYMENTS_APP_DB_PASSWORD}';
CREATE ROLE ledger LOGIN PASSWORD '${LEDGER_DB_PASSWORD}';
CREATE ROLE ledger_app LOGIN PASSWORD '${LEDGER_APP_DB_PASSWORD}';
CREATE DATABASE payments OWNER payments;
CREATE DATABASE ledger OWNER ledger;
REVOKE ALL ON DATABASE payments FROM PUBLIC;
REVOKE ALL ON DATABASE ledger FROM PUBLIC;
GRANT CONNECT ON DATABASE payments TO payments_app;
GRANT CONNECT ON DATABASE ledger TO ledger_app;
-- The payments relay names the transaction that holds its reads back, which may be the ledger's
-- (one cluster here): it must see other roles' pg_stat_activity rows. Read-only statistics.
GRANT pg_read_all_stats TO payments_app;
SQL
