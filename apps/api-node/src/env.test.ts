import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ApiNodeEnvSchema, parseApiNodeEnv } from "./env.ts";

const example = readFileSync(path.resolve(import.meta.dirname, "../../../.env.example"), "utf8");
const documented = new Set([...example.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
const key = Buffer.alloc(32, 7).toString("base64");

describe("API node env", () => {
  it("is documented in .env.example, every variable", () => {
    expect(Object.keys(ApiNodeEnvSchema.shape).filter((k) => !documented.has(k))).toEqual([]);
  });

  it("applies defaults and lists every bad variable", () => {
    const env = parseApiNodeEnv({ SOUS_SECRET_KEY: key, SOUS_API_NODE_PORT: "4100" });
    expect(env.SOUS_API_NODE_PORT).toBe(4100);
    expect(env.SOUS_API_NODE_MAX_BODY_BYTES).toBe(4 * 1024 * 1024);
    expect(() => parseApiNodeEnv({ SOUS_API_NODE_PORT: "-1" })).toThrow(
      /SOUS_SECRET_KEY[\s\S]*SOUS_API_NODE_PORT|SOUS_API_NODE_PORT[\s\S]*SOUS_SECRET_KEY/,
    );
  });
});
