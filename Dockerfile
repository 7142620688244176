# Production image of chatwoot-krayin-sync: worker and ingest are the same image, different commands.
# Compiles TypeScript in a build stage and runs the compiled JavaScript as the unprivileged `node` user.
# The app directory belongs to root and is read-only to that user; the only writable place is /data
# (DATA_DIR: the generated admin token of `ingest`, see docs/deployment.md), a volume owned by `node`.
# test/e2e/container-entrypoint.test.ts follows this file: keep the final stage's COPY, ENV, USER,
# ENTRYPOINT and CMD lines simple (one instruction per line, JSON arrays for ENTRYPOINT/CMD).

FROM node:20-bookworm-slim AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# dist/src/cli.js, dist/workflows (bundled by the worker at start), dist/activities; then drop dev deps.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
ENV DATA_DIR=/data
# The worker's heap ceiling (src/runtime/node-heap.ts, docs/performance.md); set NODE_OPTIONS to change it.
ENV NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
RUN mkdir -m 0700 /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["worker"]
