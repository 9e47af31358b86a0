// First step of `npm start` and `npm test` on a fresh machine: plain Node, no dependencies.
// Installs the pinned pnpm (corepack cannot download here), the workspace's dependencies and
// the generated Prisma client, and the Python environment (.venv, for Spark), each only when
// missing or out of date.
import { execSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensurePythonEnv } from "./lib/python-env.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager.split("@")[1];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) {
    console.error(`\n[sous] "${cmd} ${args.join(" ")}" failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

function pnpmVersion() {
  try {
    return execSync("pnpm --version", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

if (pnpmVersion() !== pinned) {
  console.log(`[sous] installing pnpm ${pinned} (npm i -g)`);
  run("npm", ["install", "--global", "--no-fund", "--no-audit", `pnpm@${pinned}`]);
}

const marker = path.join(root, "node_modules", ".modules.yaml");
const lock = path.join(root, "pnpm-lock.yaml");
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.log("[sous] installing dependencies (pnpm install --frozen-lockfile)");
  run("pnpm", ["install", "--frozen-lockfile", "--reporter=append-only"]);
}

run("node", ["packages/db/scripts/generate.mjs"]);
ensurePythonEnv(root);
