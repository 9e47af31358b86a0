// `prisma generate` without network: Prisma's CLI insists on downloading its native schema engine
// at start-up, even though generation does not use it. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any
// executable skips the download.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.resolve(here, "..");
const schemaPath = path.resolve(pkgDir, "../../prisma/schema.prisma");
const outDir = path.join(pkgDir, "src/generated/prisma");
const stampPath = path.join(outDir, ".schema-hash");

const hash = createHash("sha256").update(readFileSync(schemaPath)).digest("hex");
if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === hash && !process.argv.includes("--force")) {
  process.exit(0);
}
const r = spawnSync("pnpm", ["exec", "prisma", "generate"], {
  cwd: pkgDir,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: "/bin/true",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
if (r.status !== 0) process.exit(r.status ?? 1);
mkdirSync(outDir, { recursive: true });
writeFileSync(stampPath, hash);
