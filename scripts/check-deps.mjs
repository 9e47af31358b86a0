// Fails when the dependency direction (README's Layout) is broken:
//   apps -> server domain (@sous/server-domain) -> packages, never the reverse: no package imports
//   an app, and a package uses packages of its own layer or below (layerOf); no app imports another;
//   contracts, compiler, flow and ml are pure: no I/O modules in their src/ (tests may use them);
//   the modules of a pure package's src/ import each other without cycles (type imports too:
//   the compiler's stages, front-ends -> lower -> IR -> render, only point one way);
//   an app's browser code (src/ui/ and "use client" files under app/, and what they import) does
//   not reach its src/server/, type imports included: the route descriptions the browser needs
//   live in src/shared/.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const PURE = new Set(["contracts", "compiler", "flow", "ml"]);
const IO_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|dns|tls|cluster|worker_threads|os|process)$|^(pg|ioredis|bullmq|@prisma\/|@duckdb\/|@azure\/|@databricks\/|@sous\/(db|queue|storage|engine-local|databricks|server-domain))/;
// Pure packages at the bottom, the server domain above every other package, apps above all.
const layerOf = (pkg) => (PURE.has(pkg) ? 0 : pkg === "server-domain" ? 2 : 1);
// A tree without apps (the unit tests' fixtures) has no app rules to check.
const APPS = existsSync(path.join(root, "apps")) ? readdirSync(path.join(root, "apps")) : [];
const problems = [];
const sousPackage = (spec) => /^@sous\/([^/]+)/.exec(spec)?.[1];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated" || name.startsWith(".")) continue;
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
  for (const d of deps) {
    const dep = sousPackage(d);
    if (dep === undefined) continue;
    if (APPS.includes(dep)) problems.push(`packages/${pkg} depends on app ${d}`);
    else if (d in (manifest.dependencies ?? {}) && layerOf(dep) > layerOf(pkg))
      problems.push(`packages/${pkg} depends on ${d}, a layer above it`);
  }
  for (const file of files(dir)) {
    const rel = path.relative(root, file);
    const isTest =
      /\.(test|int\.test|e2e\.test)\.ts$/.test(file) || rel.includes(`${path.sep}test${path.sep}`);
    for (const spec of importsOf(file)) {
      const dep = sousPackage(spec);
      if (spec.includes("apps/") || (dep !== undefined && APPS.includes(dep)))
        problems.push(`${rel} imports an app: ${spec}`);
      // Tests may use what is above their package (e.g. the compiler's tests run real Spark).
      else if (dep !== undefined && !isTest && layerOf(dep) > layerOf(pkg))
        problems.push(`${rel} imports ${spec}, a layer above packages/${pkg}`);
      if (PURE.has(pkg) && !isTest && rel.includes(`${path.sep}src${path.sep}`) && IO_MODULES.test(spec)) {
        problems.push(`${rel} is in a pure package (${pkg}) but imports ${spec}`);
      }
    }
  }
}

for (const app of APPS) {
  const dir = path.join(root, "apps", app);
  for (const file of files(dir)) {
    const rel = path.relative(root, file).split(path.sep).join("/");
    for (const spec of importsOf(file)) {
      const dep = sousPackage(spec);
      const target = spec.startsWith(".")
        ? path.relative(path.join(root, "apps"), path.resolve(path.dirname(file), spec))
        : "";
      const other =
        dep !== undefined && APPS.includes(dep)
          ? dep
          : target.startsWith("..")
            ? undefined
            : target.split(path.sep)[0];
      if (other && other !== app && APPS.includes(other))
        problems.push(`${rel} imports another app: ${spec}`);
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

// Browser code of an app with a src/server/: src/ui/ and every "use client" module under app/.
const TS_EXTENSIONS = ["", ".ts", ".tsx", "/index.ts", "/index.tsx"];
/** Every import of a file, type-only ones included (a type import of server code is still a leak). */
const allImportsOf = (file) =>
  [
    ...readFileSync(file, "utf8").matchAll(
      /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^import\s+["']([^"']+)["']/gm,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3]);
/** The app's own file an import names (`@/x` is the app's src/x, as in its tsconfig), or undefined. */
function resolveInApp(appDir, from, spec) {
  const base = spec.startsWith("@/")
    ? path.join(appDir, "src", spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(from), spec)
      : undefined;
  if (base === undefined) return undefined;
  for (const ext of TS_EXTENSIONS) {
    const p = base + ext;
    if (/\.(ts|tsx|mjs|js)$/.test(p) && existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}
const isTestFile = (f) => /\.(test|int\.test|e2e\.test)\.tsx?$/.test(f);
for (const app of APPS) {
  const appDir = path.join(root, "apps", app);
  const serverDir = path.join(appDir, "src", "server") + path.sep;
  if (!existsSync(serverDir)) continue;
  const roots = [];
  if (existsSync(path.join(appDir, "src", "ui")))
    roots.push(...[...files(path.join(appDir, "src", "ui"))].filter((f) => !isTestFile(f)));
  if (existsSync(path.join(appDir, "app")))
    for (const f of files(path.join(appDir, "app")))
      if (!isTestFile(f) && /^\s*["']use client["']/.test(readFileSync(f, "utf8"))) roots.push(f);
  // The browser's import graph, then which of its files reach server code (a fixed point, so
  // cycles are fine); `via` keeps the import that made each one leak, to name the chain.
  const edges = new Map();
  const todo = [...roots];
  while (todo.length) {
    const file = todo.pop();
    if (edges.has(file)) continue;
    const out = [];
    for (const spec of allImportsOf(file)) {
      const target = resolveInApp(appDir, file, spec);
      if (target === undefined) continue;
      out.push({ spec, target });
      if (!target.startsWith(serverDir)) todo.push(target);
    }
    edges.set(file, out);
  }
  const via = new Map();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [file, out] of edges) {
      if (via.has(file)) continue;
      const e = out.find((x) => x.target.startsWith(serverDir) || via.has(x.target));
      if (e) {
        via.set(file, e);
        changed = true;
      }
    }
  }
  for (const file of roots) {
    if (!via.has(file)) continue;
    const chain = [];
    for (let f = file; via.has(f); f = via.get(f).target) chain.push(via.get(f).spec);
    problems.push(
      `${path.relative(root, file).split(path.sep).join("/")} is browser code but imports server code: ${chain.join(" -> ")}`,
    );
  }
}

if (problems.length) {
  console.error(`Dependency direction broken (see README.md, Layout):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("dependency direction OK");
