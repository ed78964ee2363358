# syntax=docker/dockerfile:1
# The image that the Helm chart runs: `docker build -t gha-slurm .`
# No secret is baked in; the chart mounts them from Secrets at run time.

ARG NODE_IMAGE=node:20-bookworm-slim

# Compiles the TypeScript sources to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY generated ./generated
RUN npm run build

# Installs the production dependencies only, native modules built for the runtime's Node.
FROM build AS production-dependencies
RUN rm -rf node_modules && npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system --gid 10001 gha-slurm \
  && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin gha-slurm \
  && mkdir -p /var/lib/gha-slurm /etc/gha-slurm \
  && chown 10001:10001 /var/lib/gha-slurm
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY runner ./runner
COPY openapi ./openapi
USER 10001:10001
EXPOSE 8080 9090
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["serve", "--config", "/etc/gha-slurm/config.yaml"]
