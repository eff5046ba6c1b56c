#!/bin/sh
# The demo stack's broker (docker-compose.yml): one KRaft node whose listeners authenticate with
# SASL/SCRAM-SHA-512 and whose authorizer denies what no ACL allows. The SCRAM users (an admin,
# the super user, and one per service) are created when the storage is formatted, from the
# passwords in .secrets/kafka.env; the ACLs come from the kafka-setup job (apps/kafka-setup).
# The controller listener is PLAINTEXT on loopback only: the node talks to itself there, as
# ANONYMOUS, which is why ANONYMOUS is a super user and why that listener must stay unreachable.
# KAFKA_HOME, KAFKA_DATA_DIR and the ports can be overridden (a test runs this script outside
# Docker with Kafka's jars; see test/security/compose-kafka.e2e-spec.ts).
set -eu
: "${KAFKA_ADMIN_PASSWORD:?missing: run docker/generate-secrets.sh}"
: "${KAFKA_RELAY_PASSWORD:?missing: run docker/generate-secrets.sh}"
: "${KAFKA_PAYMENTS_PASSWORD:?missing: run docker/generate-secrets.sh}"
: "${KAFKA_LEDGER_PASSWORD:?missing: run docker/generate-secrets.sh}"
home=${KAFKA_HOME:-/opt/kafka}
data=${KAFKA_DATA_DIR:-/tmp/kafka-data}
port=${KAFKA_PORT:-9092}
host_port=${KAFKA_HOST_PORT:-29092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
advertised=${KAFKA_ADVERTISED_HOST:-kafka}
config="$data/server.properties"
umask 077
mkdir -p "$data"
scram='org.apache.kafka.common.security.scram.ScramLoginModule required'
cat > "$config" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
controller.listener.names=CONTROLLER
listeners=INTERNAL://:$port,CONTROLLER://127.0.0.1:$controller_port,HOST://:$host_port
advertised.listeners=INTERNAL://$advertised:$port,HOST://localhost:$host_port
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,HOST:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=$scram username="admin" password="$KAFKA_ADMIN_PASSWORD";
listener.name.host.scram-sha-512.sasl.jaas.config=$scram;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
log.dirs=$data/log
# One node: internal topics cannot have more replicas than brokers.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPERTIES
# For the health check, and Kafka's tools inside the container.
cat > "$data/admin.properties" <<PROPERTIES
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$scram username="admin" password="$KAFKA_ADMIN_PASSWORD";
PROPERTIES
if [ ! -e "$data/log/meta.properties" ]; then
  "$home/bin/kafka-storage.sh" format --cluster-id="$("$home/bin/kafka-storage.sh" random-uuid)" \
    -c "$config" \
    --add-scram "SCRAM-SHA-512=[name=admin,password=$KAFKA_ADMIN_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=relay,password=$KAFKA_RELAY_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=payments,password=$KAFKA_PAYMENTS_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=ledger,password=$KAFKA_LEDGER_PASSWORD]"
fi
exec "$home/bin/kafka-server-start.sh" "$config"
