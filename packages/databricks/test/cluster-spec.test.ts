import { describe, expect, it } from "vitest";
import { checkSpecAgainstWorkspace, clusterSpecSchema, specIssues } from "../src/cluster-spec.ts";
import { clusterPathFor, restPathFor, sparkUiUrl, storagePrefixSchema } from "../src/mount-mapping.ts";

const issuesOf = (spec: unknown) => {
  const r = clusterSpecSchema.safeParse(spec);
  return r.success ? [] : specIssues(r.error);
};

describe("clusterSpecSchema", () => {
  it("accepts a typical profile", () => {
    expect(
      issuesOf({
        spark_version: "15.4.x-scala2.12",
        node_type_id: "Standard_DS3_v2",
        autoscale: { min_workers: 1, max_workers: 4 },
        autotermination_minutes: 30,
        spark_conf: { "spark.sql.session.timeZone": "UTC" },
        data_security_mode: "SINGLE_USER",
        single_user_name: "svc@contoso.com",
      }),
    ).toEqual([]);
  });

  it("points at the bad field", () => {
    expect(issuesOf({ spark_version: "x", autoscale: { min_workers: 4, max_workers: 2 } })).toEqual([
      { path: "autoscale.max_workers", message: "must be greater than min_workers" },
    ]);
    expect(issuesOf({ spark_version: "x", autotermination_minutes: 5 })).toEqual([
      { path: "autotermination_minutes", message: "must be 0 (never) or between 10 and 10000" },
    ]);
    expect(issuesOf({ spark_version: "x", autotermination_minutes: 0 })).toEqual([]);
    expect(issuesOf({ spark_version: "x", autotermination_minutes: 10_001 })[0]?.path).toBe(
      "autotermination_minutes",
    );
    expect(issuesOf({ node_type_id: "a" })[0]?.path).toBe("spark_version");
    expect(
      issuesOf({ spark_version: "x", num_workers: 1, autoscale: { min_workers: 1, max_workers: 2 } })[0]
        ?.path,
    ).toBe("autoscale");
    expect(issuesOf({ spark_version: "x", data_security_mode: "SINGLE_USER" })[0]?.path).toBe(
      "single_user_name",
    );
    expect(issuesOf({ spark_version: "x", num_workers: -1 })[0]?.path).toBe("num_workers");
    expect(issuesOf({ spark_version: "x", autotermination_minute: 30 })[0]?.message).toMatch(
      /autotermination_minute/,
    );
    expect(issuesOf({ spark_version: "x", custom_tags: { "sous-profile": "x" } })[0]?.path).toBe(
      "custom_tags",
    );
  });

  it("checks versions and node types against the workspace's lists", () => {
    const spec = clusterSpecSchema.parse({
      spark_version: "9.1",
      node_type_id: "Standard_X",
      driver_node_type_id: "A",
    });
    expect(
      checkSpecAgainstWorkspace(spec, {
        sparkVersions: [{ key: "15.4" }],
        nodeTypes: [{ node_type_id: "A" }],
      }).map((i) => i.path),
    ).toEqual(["spark_version", "node_type_id"]);
  });
});

describe("mount mapping", () => {
  it("maps storage prefixes to cluster paths and REST paths", () => {
    const key = "projects/p/datasets/d/versions/v/";
    expect(clusterPathFor({ clusterPrefix: "dbfs:/mnt/sous" }, key)).toBe(
      "dbfs:/mnt/sous/projects/p/datasets/d/versions/v",
    );
    expect(clusterPathFor({ clusterPrefix: "/Volumes/c/s/v", blobPrefix: "projects" }, key)).toBe(
      "/Volumes/c/s/v/p/datasets/d/versions/v",
    );
    expect(() => clusterPathFor({ clusterPrefix: "dbfs:/mnt/x", blobPrefix: "other" }, key)).toThrow(
      /outside/,
    );
    expect(restPathFor("dbfs:/mnt/sous/a")).toEqual({ api: "dbfs", path: "/mnt/sous/a" });
    expect(restPathFor("/Volumes/c/s/v/a")).toEqual({ api: "files", path: "/Volumes/c/s/v/a" });
    expect(restPathFor("abfss://c@a.dfs.core.windows.net/a")).toBeUndefined();
    expect(sparkUiUrl("https://adb-123.4.azuredatabricks.net/", "1124-1")).toBe(
      "https://adb-123.4.azuredatabricks.net/?o=123#setting/clusters/1124-1/sparkUi",
    );
  });

  it("accepts the three storage prefix forms only", () => {
    for (const ok of [
      "dbfs:/mnt/sous",
      "dbfs:/mnt/sous/data/",
      "abfss://c1@acct.dfs.core.windows.net/x",
      "/Volumes/main/sous/data",
    ]) {
      expect(storagePrefixSchema.safeParse(ok).success).toBe(true);
    }
    for (const bad of ["s3://x", "/mnt/sous", "dbfs:/mnt/../etc", "dbfs:/mnt/a b"]) {
      expect(storagePrefixSchema.safeParse(bad).success).toBe(false);
    }
  });
});
