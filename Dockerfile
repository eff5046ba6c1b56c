# One image for every service; docker-compose.yml picks the entry point per service.
# Build stage: full dependencies, compile the apps and libs only.
FROM node:24-bookworm-slim AS build
# @confluentinc/kafka-javascript's librdkafka is built from source against these (no download
# from outside the npm registry: scripts/confluent-native.mjs).
RUN apt-get update && apt-get install -y --no-install-recommends build-essential python3 \
      pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*
ENV CKJS_LINKING=dynamic
WORKDIR /app
COPY package.json package-lock.json ./
# The postinstall applies patches/ (kafkajs' fixes) and builds the Confluent client's native part.
COPY patches patches
COPY scripts/confluent-native.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npx tsc -p tsconfig.app.json && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code, run as the unprivileged `node` user.
FROM node:24-bookworm-slim
# The shared libraries librdkafka was linked against.
RUN apt-get update && apt-get install -y --no-install-recommends libssl3 libsasl2-2 zlib1g \
      libzstd1 liblz4-1 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
USER node
# kafkajs computes a negative timer delay on Node 24; the warning is noise (see README).
ENTRYPOINT ["node", "--disable-warning=TimeoutNegativeWarning"]
CMD ["dist/apps/payments/src/main.js"]
