import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker daemon runs here, so the compose file is checked structurally: the services the
// design names, healthchecks, volumes, and the same variables as .env.example.
const root = path.resolve(import.meta.dirname, "..");
const compose = parse(readFileSync(path.join(root, "docker-compose.yml"), "utf8")) as {
  services: Record<
    string,
    {
      healthcheck?: unknown;
      restart?: string;
      environment?: Record<string, string>;
      command?: string[];
      volumes?: string[];
    }
  >;
  volumes: Record<string, unknown>;
};
const exampleVars = readFileSync(path.join(root, ".env.example"), "utf8")
  .split("\n")
  .map((l) => l.match(/^([A-Z0-9_]+)=/)?.[1])
  .filter((v): v is string => Boolean(v))
  .sort();

describe("docker-compose.yml", () => {
  it("defines postgres, redis, azurite, studio, worker and the API node, each with a healthcheck", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "api-node",
      "azurite",
      "postgres",
      "redis",
      "studio",
      "worker",
    ]);
    for (const [name, s] of Object.entries(compose.services)) expect(s.healthcheck, name).toBeDefined();
  });

  it("restarts every service that crashes (the compose counterpart of npm start's supervisor)", () => {
    for (const [name, s] of Object.entries(compose.services)) expect(s.restart, name).toBe("unless-stopped");
  });

  it("runs redis with noeviction, as BullMQ requires", () => {
    expect(compose.services.redis?.command?.join(" ")).toContain("--maxmemory-policy noeviction");
  });

  it("passes studio, worker and API node exactly the variables of .env.example", () => {
    for (const app of ["studio", "worker", "api-node"]) {
      expect(Object.keys(compose.services[app]?.environment ?? {}).sort(), app).toEqual(exampleVars);
    }
  });

  it("keeps data in named volumes", () => {
    expect(Object.keys(compose.volumes).sort()).toEqual([
      "azurite-data",
      "postgres-data",
      "redis-data",
      "sous-data",
    ]);
  });
});
