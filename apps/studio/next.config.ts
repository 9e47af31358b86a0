import type { NextConfig } from "next";

const config: NextConfig = {
  // Test stacks build into their own folder (scripts/lib/stack.ts) so parallel builds never collide.
  distDir: process.env.SOUS_NEXT_DIST_DIR || ".next",
  // Workspace packages are TypeScript source; Next compiles them with the app.
  transpilePackages: [
    "@sous/contracts",
    "@sous/compiler",
    "@sous/config",
    "@sous/db",
    "@sous/queue",
    "@sous/storage",
    "@sous/engine-local",
    "@sous/flow",
    "@sous/databricks",
  ],
  // Native addons and Node-only clients stay outside the bundle.
  serverExternalPackages: [
    "@duckdb/node-api",
    "@duckdb/node-bindings",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "bullmq",
    "ioredis",
    "@azure/storage-blob",
    "@databricks/sql",
    "thrift",
  ],
  // Types are checked once, by `turbo run typecheck` (part of `npm test`), not again in every build.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  typedRoutes: false,
  devIndicators: false,
};

export default config;
