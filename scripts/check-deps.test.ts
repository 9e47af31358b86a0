import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const script = path.join(import.meta.dirname, "check-deps.mjs");
let root: string;

function pkg(name: string, files: Record<string, string>, deps: Record<string, string> = {}) {
  const dir = path.join(root, "packages", name);
  mkdirSync(path.join(dir, "src"), { recursive: true });
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `@sous/${name}`, dependencies: deps }),
  );
  for (const [f, body] of Object.entries(files)) writeFileSync(path.join(dir, f), body);
}

const check = () => spawnSync("node", [script, root], { encoding: "utf8" });

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("check-deps", () => {
  it("accepts a pure compiler and an I/O package", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("compiler", {
      "src/index.ts": 'import { z } from "zod";\nimport type { X } from "@sous/contracts";\n',
    });
    pkg("storage", { "src/index.ts": 'import fs from "node:fs";\n' });
    expect(check().status).toBe(0);
  });

  it("fails when a pure package imports I/O", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("compiler", { "src/index.ts": 'import { readFileSync } from "node:fs";\n' });
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("pure package (compiler) but imports node:fs");
  });

  it("fails when a package depends on an app", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    mkdirSync(path.join(root, "apps", "studio"), { recursive: true });
    pkg("queue", { "src/index.ts": "export {};\n" }, { "@sous/studio": "workspace:*" });
    expect(check().stderr).toContain("depends on app @sous/studio");
  });

  it("ignores type-only imports, which are erased before anything runs", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("compiler", {
      "src/index.ts":
        'import type { DuckDBConnection } from "@duckdb/node-api";\nexport type C = DuckDBConnection;\n',
    });
    expect(check().status).toBe(0);
  });

  it("lets tests of pure packages use I/O", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("compiler", { "src/index.ts": "export {};\n", "src/golden.test.ts": 'import fs from "node:fs";\n' });
    expect(check().status).toBe(0);
  });

  it("fails on an import cycle inside a pure package, type imports included, naming the files", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    mkdirSync(path.join(root, "packages", "compiler", "src", "ir"), { recursive: true });
    pkg("compiler", {
      "src/index.ts": 'export { lower } from "./lower.ts";\n',
      "src/lower.ts": 'import { expr } from "./ir/expr.ts";\nexport const lower = expr;\n',
      "src/ir/expr.ts": 'import type { Fn } from "../lower.ts";\nexport const expr = 1;\n',
    });
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("import cycle in packages/compiler: lower.ts -> ir/expr.ts -> lower.ts");
  });
  it("fails when an app's test imports another app, and not when it imports scripts/lib", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("contracts", { "src/index.ts": "export const x = 1;\n" });
    for (const app of ["studio", "worker"])
      mkdirSync(path.join(root, "apps", app, "test"), { recursive: true });
    mkdirSync(path.join(root, "scripts", "lib"), { recursive: true });
    writeFileSync(path.join(root, "scripts", "lib", "net.ts"), "export const freePort = 1;\n");
    const testFile = path.join(root, "apps", "studio", "test", "jobs.int.test.ts");
    writeFileSync(testFile, 'import { freePort } from "../../../scripts/lib/net.ts";\n');
    expect(check().status).toBe(0);
    writeFileSync(testFile, 'import { spawnWorker } from "../../worker/test/spawn.ts";\n');
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "apps/studio/test/jobs.int.test.ts imports another app: ../../worker/test/spawn.ts",
    );
  });

  it("fails when browser code reaches the app's server code, type imports and re-exports included", () => {
    root = mkdtempSync(path.join(tmpdir(), "deps-"));
    pkg("contracts", { "src/index.ts": "export const x = 1;\n" });
    const studio = path.join(root, "apps", "studio");
    const write = (rel: string, body: string) => {
      mkdirSync(path.dirname(path.join(studio, rel)), { recursive: true });
      writeFileSync(path.join(studio, rel), body);
    };
    write("src/server/http/schemas.ts", "export type Preview = { rows: number };\n");
    write("src/server/services/jobs.ts", 'import "server-only";\nexport const listJobs = () => [];\n');
    write("src/shared/api/endpoints.ts", 'import { x } from "@sous/contracts";\nexport const api = { x };\n');
    // Allowed: a server component using services, browser code using the shared route table.
    write(
      "app/jobs/page.tsx",
      'import { listJobs } from "@/server/services/jobs.ts";\nexport default listJobs;\n',
    );
    write(
      "src/ui/api.ts",
      'import type { api } from "../shared/api/endpoints.ts";\nexport type A = typeof api;\n',
    );
    write(
      "app/jobs/view.tsx",
      '"use client";\nimport type { A } from "@/ui/api.ts";\nimport { helper } from "./helper.ts";\nimport "./view.css";\n',
    );
    write("app/jobs/helper.ts", 'import { x } from "@sous/contracts";\nexport const helper = x;\n');
    expect(check().stderr).toBe("");
    // A "use client" file's own type import of a server module.
    write("app/jobs/view.tsx", '"use client";\nimport type { Preview } from "@/server/http/schemas.ts";\n');
    let r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "apps/studio/app/jobs/view.tsx is browser code but imports server code: @/server/http/schemas.ts",
    );
    // Through a plain module the client component imports (named along the way), in a cycle.
    write("app/jobs/view.tsx", "'use client';\nimport { helper } from \"./helper.ts\";\n");
    write(
      "app/jobs/helper.ts",
      'import "./view.tsx";\nexport type { Preview } from "../../src/server/http/schemas.ts";\n',
    );
    r = check();
    expect(r.stderr).toContain(
      "apps/studio/app/jobs/view.tsx is browser code but imports server code: ./helper.ts -> ../../src/server/http/schemas.ts",
    );
    expect(r.stderr).not.toContain("page.tsx");
  });
});
