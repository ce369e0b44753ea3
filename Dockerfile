# Kizuna's image (README, "Operating Kizuna"). Three stages: the compiler (all dependencies,
# npm run build), the production dependencies alone (npm ci --omit=dev), and the image that
# runs: Node, those dependencies, dist/ and the knowledge — no TypeScript, no tsx, no tests.
# test/ops/container-recipe.test.ts runs these same steps without a container engine.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    LOG_FORMAT=json \
    KNOWLEDGE_DIR=/app/knowledge \
    DATA_DIR=/data \
    HEALTH_HOST=0.0.0.0 \
    HEALTH_PORT=9464
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY knowledge ./knowledge
# The question log's SQLite file (unless DATABASE_URL is set) lives in a volume the bot can write.
RUN mkdir -p /data && chown node:node /data
USER node
# Mount your own knowledge over the image's; /reload or KNOWLEDGE_WATCH picks up edits.
VOLUME ["/app/knowledge", "/data"]
# 8080: interactions (KIZUNA_ROLE=http only); 9464: /healthz, /readyz, /metrics.
EXPOSE 8080 9464
# SIGTERM: stop taking work, finish interactions in flight, close the gateway, exit 0.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HEALTH_PORT || 9464) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/main.js"]
