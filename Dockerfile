# One image for every service; docker-compose.yml picks the entry point per service.
# Build stage: full dependencies, compile the apps and libs only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# patch-package applies patches/ after the install (postinstall): kafkajs' read_committed fix.
COPY patches patches
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.app.json nest-cli.json ./
COPY apps apps
COPY libs libs
RUN npx tsc -p tsconfig.app.json && npm prune --omit=dev

# Runtime stage: production dependencies and compiled code, run as the unprivileged `node` user.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
USER node
# kafkajs computes a negative timer delay on Node 24; the warning is noise (see README).
ENTRYPOINT ["node", "--disable-warning=TimeoutNegativeWarning"]
CMD ["dist/apps/payments/src/main.js"]
