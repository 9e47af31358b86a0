// Fails when the dependency direction of ARCHITECTURE.md is broken:
//   apps -> packages, never the reverse; no package imports an app;
//   contracts, compiler and flow are pure: no I/O modules in their src/ (tests may use them);
//   the modules of a pure package's src/ import each other without cycles (type imports too:
//   the compiler's stages, front-ends -> lower -> IR -> render, only point one way).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const PURE = new Set(["contracts", "compiler", "flow"]);
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls|cluster|worker_threads|os|process)$|^(pg|ioredis|bullmq|@prisma\/|@duckdb\/|@azure\/|@databricks\/|@sous\/(db|queue|storage|engine-local|databricks))/;
const problems = [];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated") continue;
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) yield p;
  }
}

// Type-only imports (`import type ...`) are erased at build time and cannot do I/O.
const importsOf = (file) =>
  [
    ...readFileSync(file, "utf8")
      .replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, "")
      .matchAll(
        /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm,
      ),
  ].map((m) => m[1] ?? m[2] ?? m[3]);

for (const pkg of readdirSync(path.join(root, "packages"))) {
  const dir = path.join(root, "packages", pkg);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  for (const d of deps)
    if (d.startsWith("@sous/") && ["@sous/studio", "@sous/worker"].includes(d))
      problems.push(`packages/${pkg} depends on app ${d}`);
  for (const file of files(dir)) {
    const rel = path.relative(root, file);
    const isTest =
      /\.(test|int\.test|e2e\.test)\.ts$/.test(file) || rel.includes(`${path.sep}test${path.sep}`);
    for (const spec of importsOf(file)) {
      if (spec.includes("apps/") || spec.startsWith("@sous/studio") || spec.startsWith("@sous/worker"))
        problems.push(`${rel} imports an app: ${spec}`);
      if (PURE.has(pkg) && !isTest && rel.includes(`${path.sep}src${path.sep}`) && IO_MODULES.test(spec)) {
        problems.push(`${rel} is in a pure package (${pkg}) but imports ${spec}`);
      }
    }
  }
}

const relativeImports = (file) =>
  [
    ...readFileSync(file, "utf8").matchAll(
      /(?:import|export)\s[^'"]*?from\s*["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
    ),
  ].map((m) => path.resolve(path.dirname(file), m[1] ?? m[2]));

/** The first import cycle among these files, as a list of files, or undefined. */
function findCycle(sources) {
  const known = new Set(sources);
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, "open");
    stack.push(file);
    for (const dep of relativeImports(file)) {
      if (!known.has(dep)) continue;
      if (state.get(dep) === "open") return [...stack.slice(stack.indexOf(dep)), dep];
      if (!state.has(dep)) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of sources) {
    if (state.has(file)) continue;
    const found = visit(file);
    if (found) return found;
  }
  return undefined;
}

for (const pkg of PURE) {
  const src = path.join(root, "packages", pkg, "src");
  let sources;
  try {
    sources = [...files(src)].filter((f) => !/\.test\.ts$/.test(f));
  } catch {
    continue;
  }
  const cycle = findCycle(sources);
  if (cycle)
    problems.push(`import cycle in packages/${pkg}: ${cycle.map((f) => path.relative(src, f)).join(" -> ")}`);
}

if (problems.length) {
  console.error(`Dependency direction broken (see ARCHITECTURE.md):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("dependency direction OK");
