#!/bin/sh
# Writes the demo stack's secrets into .secrets/ (git-ignored), once: database passwords, Kafka
# passwords (one SCRAM user per service, and an admin), the client and operator API keys, the
# ledger's service token. docker-compose.yml reads them with env_file and does not start without
# them. Run again with --force to replace them all (then `docker compose down` first: the broker
# and the database keep the passwords they were created with).
set -eu
cd "$(dirname "$0")/.."
dir=.secrets
files="postgres payments relay ledger kafka kafka-setup"
if [ "${1:-}" != "--force" ]; then
  present=0
  for f in $files; do [ -e "$dir/$f.env" ] && present=$((present + 1)); done
  if [ "$present" -eq 6 ]; then
    echo "$dir/ exists; keeping it (--force replaces every secret)"
    exit 0
  elif [ "$present" -gt 0 ]; then
    echo "$dir/ lacks some files (made by an older version?): run $0 --force" >&2
    exit 1
  fi
fi
secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }
umask 077
mkdir -p "$dir"
postgres=$(secret) payments_db=$(secret) ledger_db=$(secret)
payments_app_db=$(secret) ledger_app_db=$(secret)
client_key=$(secret) admin_key=$(secret) ledger_token=$(secret)
kafka_admin=$(secret) kafka_relay=$(secret) kafka_payments=$(secret) kafka_ledger=$(secret)
cat > "$dir/kafka.env" <<ENV
KAFKA_ADMIN_PASSWORD=$kafka_admin
KAFKA_RELAY_PASSWORD=$kafka_relay
KAFKA_PAYMENTS_PASSWORD=$kafka_payments
KAFKA_LEDGER_PASSWORD=$kafka_ledger
ENV
cat > "$dir/kafka-setup.env" <<ENV
KAFKA_SASL_USERNAME=admin
KAFKA_SASL_PASSWORD=$kafka_admin
ENV
# Kafka's own tools on the host (port 29092), as the admin:
#   kafka-topics.sh --bootstrap-server localhost:29092 --command-config .secrets/kafka-admin.properties --list
cat > "$dir/kafka-admin.properties" <<ENV
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$kafka_admin";
ENV
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
KAFKA_SASL_USERNAME=payments
KAFKA_SASL_PASSWORD=$kafka_payments
ENV
cat > "$dir/relay.env" <<ENV
$payments_urls
API_KEYS=demo:$client_key
KAFKA_SASL_USERNAME=relay
KAFKA_SASL_PASSWORD=$kafka_relay
ENV
cat > "$dir/ledger.env" <<ENV
DATABASE_URL=postgres://ledger_app:$ledger_app_db@postgres:5432/ledger
DATABASE_MIGRATION_URL=postgres://ledger:$ledger_db@postgres:5432/ledger
LEDGER_API_TOKEN=$ledger_token
KAFKA_SASL_USERNAME=ledger
KAFKA_SASL_PASSWORD=$kafka_ledger
ENV
echo "wrote $dir/{postgres,payments,relay,ledger,kafka,kafka-setup}.env and kafka-admin.properties"
echo "client API key:   $client_key (client demo)"
echo "operator API key: $admin_key (operator)"
