# Production image of chatwoot-krayin-sync (worker and ingest are the same image, different commands).
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY scripts ./scripts
USER node
EXPOSE 3000
ENTRYPOINT ["npx", "tsx", "src/cli.ts"]
CMD ["worker"]
