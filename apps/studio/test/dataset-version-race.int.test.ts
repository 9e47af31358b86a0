import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, createProject, hasStudio } from "./api-client.ts";

// Publishers of one dataset at once, through the API: each publish takes the next version number
// under the dataset's row lock (@sous/server-domain), so none of them hits the unique index and
// answers 500. The lock itself is proven deterministic in packages/server-domain's test.
describe.skipIf(!hasStudio)("concurrent dataset versions", () => {
  let key: Caller;
  let projectId: string;

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await createProject(key, "Version race", "VR")).id;
  });

  // One small CSV file per upload, told apart by its amount.
  const upload = (path: string, amount: number) =>
    call(`/projects/${projectId}${path}`, {
      method: "POST",
      body: `region,amount\neast,${amount}\n`,
      headers: { "content-type": "text/csv" },
      as: key,
    });

  it("gives re-imports racing on one dataset consecutive numbers, every one a 201", async () => {
    const created = await upload("/datasets?name=racing", 0);
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    const id: string = created.data.id;

    const racing = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(`/datasets/${id}/versions?fileName=v${i}.csv`, i)),
    );
    expect(
      racing.map((r) => r.status),
      JSON.stringify(racing.map((r) => r.data)),
    ).toEqual([201, 201, 201, 201, 201, 201]);

    const versions: { number: number; current: boolean }[] = (
      await call(`/projects/${projectId}/datasets/${id}/versions`, { as: key })
    ).data;
    // 7 were published; SOUS_DATASET_VERSIONS_KEPT (default 5) remain, newest first and current.
    expect(versions.map((v) => v.number)).toEqual([7, 6, 5, 4, 3]);
    expect(versions[0]?.current).toBe(true);
  });
});
