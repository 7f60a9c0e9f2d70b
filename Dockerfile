# One image for every Rotor service; APP picks which one runs (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /rotor
COPY package.json package-lock.json ./
# patch-package (postinstall) applies these to node_modules: kafkajs idle CPU.
COPY patches ./patches
RUN npm ci --no-audit --no-fund --loglevel=error
COPY tsconfig.base.json ./
COPY tools/register.cjs tools/migrate.ts ./tools/
COPY libs ./libs
COPY apps ./apps
ENV NODE_ENV=production HOST=0.0.0.0
ARG APP
ENV APP=${APP}
USER node
# Heap sizing as in tools/start.sh and libs/testing/src/platform.ts (SERVICE_NODE_FLAGS).
CMD ["sh", "-c", "node --max-semi-space-size=4 --max-old-space-size=192 -r ./tools/register.cjs apps/${APP}/src/main.ts"]
