#!/bin/sh
# Writes the demo stack's secrets into .secrets/ (git-ignored), once: database passwords, the
# client and operator API keys, the ledger's service token. docker-compose.yml reads them with
# env_file and does not start without them. Run again with --force to replace them all.
set -eu
cd "$(dirname "$0")/.."
dir=.secrets
if [ -e "$dir/payments.env" ] && [ "${1:-}" != "--force" ]; then
  echo "$dir/ exists; keeping it (--force replaces every secret)"
  exit 0
fi
secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
umask 077
mkdir -p "$dir"
postgres=$(secret) payments_db=$(secret) ledger_db=$(secret)
payments_app_db=$(secret) ledger_app_db=$(secret)
client_key=$(secret) admin_key=$(secret) ledger_token=$(secret)
cat > "$dir/postgres.env" <<ENV
POSTGRES_PASSWORD=$postgres
PAYMENTS_DB_PASSWORD=$payments_db
PAYMENTS_APP_DB_PASSWORD=$payments_app_db
LEDGER_DB_PASSWORD=$ledger_db
LEDGER_APP_DB_PASSWORD=$ledger_app_db
ENV
# Each service migrates as its database's owner and runs as the runtime role (DML only).
payments_urls="DATABASE_URL=postgres://payments_app:$payments_app_db@postgres:5432/payments
DATABASE_MIGRATION_URL=postgres://payments:$payments_db@postgres:5432/payments"
cat > "$dir/payments.env" <<ENV
$payments_urls
API_KEYS=demo:$client_key
ADMIN_API_KEYS=operator:$admin_key
LEDGER_API_TOKEN=$ledger_token
ENV
cat > "$dir/relay.env" <<ENV
$payments_urls
API_KEYS=demo:$client_key
ENV
cat > "$dir/ledger.env" <<ENV
DATABASE_URL=postgres://ledger_app:$ledger_app_db@postgres:5432/ledger
DATABASE_MIGRATION_URL=postgres://ledger:$ledger_db@postgres:5432/ledger
LEDGER_API_TOKEN=$ledger_token
ENV
echo "wrote $dir/{postgres,payments,relay,ledger}.env"
echo "client API key:   $client_key (client demo)"
echo "operator API key: $admin_key (operator)"
