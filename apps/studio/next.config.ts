import type { NextConfig } from "next";

// Pages may load only the studio's own scripts, styles, images and API. Next inlines its boot
// scripts (the RSC payload) and React/CodeMirror/React Flow set inline styles, hence
// 'unsafe-inline' for those two (nonces would make every page dynamic); `next dev` also evals.
// No other site may frame the studio (clickjacking).
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

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
    "@sous/server-domain",
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
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
