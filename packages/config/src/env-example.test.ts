import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseServerEnv, ServerEnvSchema } from "./env.ts";

const example = readFileSync(path.resolve(import.meta.dirname, "../../../.env.example"), "utf8");
const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));

describe(".env.example", () => {
  it("documents every variable the server env schema reads", () => {
    const keys = Object.keys(ServerEnvSchema.shape);
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });

  it("gives each variable a comment line above it", () => {
    const lines = example.split("\n");
    lines.forEach((line, i) => {
      if (/^[A-Z0-9_]+=/.test(line)) expect(lines[i - 1], line).toMatch(/^#/);
    });
  });
});

describe("parseServerEnv", () => {
  const key = Buffer.alloc(32, 7).toString("base64");

  it("applies defaults and coerces numbers and flags", () => {
    const env = parseServerEnv({ SOUS_SECRET_KEY: key, SOUS_UPLOAD_MAX_BYTES: "1024", SOUS_SEED_DEMO: "1" });
    expect(env.SOUS_UPLOAD_MAX_BYTES).toBe(1024);
    expect(env.SOUS_SEED_DEMO).toBe(true);
    expect(env.SOUS_STORAGE).toBe("local");
    expect(env.DATABASE_URL).toMatch(/^postgresql:/);
    expect(env.SOUS_BLOB_CACHE_MAX_BYTES).toBe(10 * 1024 * 1024 * 1024);
    expect(
      parseServerEnv({ SOUS_SECRET_KEY: key, SOUS_BLOB_CACHE_MAX_BYTES: "5000" }).SOUS_BLOB_CACHE_MAX_BYTES,
    ).toBe(5000);
  });

  it("lists every bad variable in one readable error", () => {
    expect(() => parseServerEnv({ SOUS_SECRET_KEY: "short", SOUS_STORAGE: "azure-blob" })).toThrow(
      /SOUS_SECRET_KEY: SOUS_SECRET_KEY must be 32 bytes[\s\S]*AZURE_STORAGE_CONNECTION_STRING/,
    );
  });
});
