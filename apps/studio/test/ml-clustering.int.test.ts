// Clustering in the Lab through the REST API of the studio + worker that `npm test` starts: a
// clustering analysis with the suggested features (the identifier and the constant left out),
// k-means with k searched by silhouette and a Gaussian mixture trained for real by the worker's
// scikit-learn, their sizes and profiles; and the bad input refused before training (k above the
// rows, no feature, an algorithm of the other engine). The numbers themselves are checked against
// scikit-learn and MLlib in packages/compiler/test/clustering.int.test.ts and the emulator test.
import { beforeAll, describe, expect, it } from "vitest";
import { adminKey, type Caller, call, hasStudio, uniqueKey, uploadCsv, waitForJob } from "./api-client.ts";
import { churnRows } from "./churn-rows.ts";

describe.skipIf(!hasStudio)("clustering in the Lab (API)", { timeout: 240_000 }, () => {
  let key: Caller;
  let projectId: string;
  let datasetId: string;
  const post = (p: string, json?: unknown) => call(p, { method: "POST", json: json ?? {}, as: key });
  const put = (p: string, json: unknown) => call(p, { method: "PUT", json, as: key });
  const get = (p: string) => call(p, { as: key });

  beforeAll(async () => {
    key = await adminKey();
    projectId = (await post("/projects", { key: uniqueKey("CLU"), name: "Clusters" })).data.id;
    datasetId = await uploadCsv(key, projectId, "customers", churnRows(600, 5, { traps: true }));
  });

  it("creates a clustering, trains k-means (k by silhouette) and a Gaussian mixture, and reports sizes and profiles", async () => {
    const created = await post(`/projects/${projectId}/ml/clusterings`, { datasetId });
    expect(created.status).toBe(201);
    expect(created.data.name).toBe("Clusters of customers");
    expect(created.data.problems).toEqual([]);
    const included = created.data.design.features
      .filter((f: { include: boolean }) => f.include)
      .map((f: { name: string }) => f.name);
    expect(included).not.toContain("id");
    expect(included).not.toContain("constant");
    expect(included).toEqual(expect.arrayContaining(["x1", "x2", "colour"]));
    const design = {
      ...created.data.design,
      features: created.data.design.features.map((f: { name: string }) => ({
        ...f,
        include: ["x1", "x2", "colour"].includes(f.name),
      })),
      algorithms: [
        { algorithm: "kmeans", k: 3, kGrid: [2, 3, 4], maxIter: 300 },
        { algorithm: "gaussianMixture", k: 3, maxIter: 100 },
      ],
    };
    const saved = await put(`/projects/${projectId}/ml/clusterings/${created.data.id}`, {
      design,
      version: created.data.version,
    });
    expect(saved.status).toBe(200);
    // Not a prediction analysis: the prediction Lab's list and page leave it out.
    const listed = (await get(`/projects/${projectId}/ml/analyses`)).data.map((a: { id: string }) => a.id);
    expect(listed).not.toContain(created.data.id);
    expect((await get(`/projects/${projectId}/ml/analyses/${created.data.id}`)).status).toBe(404);

    const t = await post(`/projects/${projectId}/ml/clusterings/${created.data.id}/trainings`);
    expect(t.status).toBe(201);
    const job = await waitForJob(projectId, t.data.jobId, key, 180_000);
    expect(job.state, job.error).toBe("SUCCEEDED");
    const logs = (await get(`/projects/${projectId}/jobs/${t.data.jobId}/logs`)).data.map(
      (l: { message: string }) => l.message,
    );
    expect(logs.join("\n")).toMatch(/kmeans k=4: silhouette/);
    expect(logs.join("\n")).toMatch(/Clustered with 2 algorithms in [\d.]+ s; best /);
    const analysis = (await get(`/projects/${projectId}/ml/clusterings/${created.data.id}`)).data;
    const result = analysis.trainings[0].result;
    expect(result.ok).toBe(true);
    expect(result.rows.read).toBe(600);
    const [kmeans, gmm] = result.models;
    expect(kmeans.kSearch.tried.map((x: { k: number }) => x.k)).toEqual([2, 3, 4]);
    expect(kmeans.k).toBe(kmeans.kSearch.tried[kmeans.kSearch.best].k);
    expect(kmeans.portable).toMatch(/portable\.json$/);
    expect(gmm.portable).toBeNull();
    for (const m of result.models) {
      expect(m.sizes.reduce((a: number, b: number) => a + b)).toBe(600);
      expect(m.profiles.numeric.map((p: { feature: string }) => p.feature)).toEqual(["x1", "x2"]);
      expect(m.profiles.categorical[0].clusters).toHaveLength(m.k);
    }
  });

  it("refuses before training: k above the rows, no feature, a Gaussian mixture on Databricks", async () => {
    const tiny = await uploadCsv(key, projectId, "tiny", "a,b\n1,x\n2,y\n3,x\n");
    const created = (await post(`/projects/${projectId}/ml/clusterings`, { datasetId: tiny })).data;
    const include = (on: boolean) =>
      created.design.features.map((f: { name: string }) => ({ ...f, include: on }));
    const save = async (patch: Record<string, unknown>) => {
      const current = (await get(`/projects/${projectId}/ml/clusterings/${created.id}`)).data;
      const r = await put(`/projects/${projectId}/ml/clusterings/${created.id}`, {
        design: { ...current.design, features: include(true), ...patch },
        version: current.version,
      });
      expect(r.status).toBe(200);
      return r.data;
    };
    const tooMany = await save({ algorithms: [{ algorithm: "kmeans", k: 2, kGrid: [2, 5], maxIter: 10 }] });
    expect(tooMany.problems[0].message).toMatch(/5 clusters need at least 5 rows; the dataset has 3/);
    const refused = await post(`/projects/${projectId}/ml/clusterings/${created.id}/trainings`);
    expect(refused.status).toBe(400);
    expect(refused.data.error.message).toMatch(
      /5 clusters need at least 5 rows; the dataset has 3: choose a smaller k/,
    );
    await save({ features: include(false), algorithms: [{ algorithm: "kmeans", k: 2, maxIter: 10 }] });
    const none = await post(`/projects/${projectId}/ml/clusterings/${created.id}/trainings`);
    expect(none.status).toBe(400);
    expect(none.data.error.message).toMatch(/Include at least one feature/);
    const remote = await save({
      engine: { kind: "databricks", connectionId: created.id, profileId: created.id },
      algorithms: [{ algorithm: "gaussianMixture", k: 2, maxIter: 10 }],
    });
    expect(remote.problems.map((p: { message: string }) => p.message)).toContain(
      "Gaussian mixture trains locally (scikit-learn) only.",
    );
    // Nothing was queued by the refusals.
    expect((await get(`/projects/${projectId}/ml/clusterings/${created.id}`)).data.trainings).toEqual([]);
    // Deleted as any analysis is.
    const deleted = await call(`/projects/${projectId}/ml/analyses/${created.id}`, {
      method: "DELETE",
      as: key,
    });
    expect(deleted.status).toBe(200);
    expect((await get(`/projects/${projectId}/ml/clusterings/${created.id}`)).status).toBe(404);
  });

  it("saves a design only from its current version and under a name no other analysis has", async () => {
    const first = (await post(`/projects/${projectId}/ml/clusterings`, { datasetId })).data;
    const second = (await post(`/projects/${projectId}/ml/clusterings`, { datasetId })).data;
    // The suggested names do not collide: the next free one.
    expect(first.name).toMatch(/^Clusters of customers \(\d+\)$/);
    expect(second.name).toBe(`Clusters of customers (${Number(/\((\d+)\)$/.exec(first.name)?.[1]) + 1})`);
    const at = (a: { id: string }) => `/projects/${projectId}/ml/clusterings/${a.id}`;
    const renamed = await put(at(second), {
      design: second.design,
      version: second.version,
      name: "Segments",
    });
    expect(renamed.status, JSON.stringify(renamed.data)).toBe(200);
    expect(renamed.data.name).toBe("Segments");
    // Someone else's save in between: the stale version is a 409, and nothing changes.
    const stale = await put(at(second), { design: second.design, version: second.version, name: "Other" });
    expect(stale.status).toBe(409);
    expect(stale.data.error.message).toMatch(/Someone else saved this design meanwhile/);
    // A name another analysis of the project has: a 409 naming it, not a 500.
    const taken = await put(at(first), { design: first.design, version: first.version, name: "Segments" });
    expect(taken.status, JSON.stringify(taken.data)).toBe(409);
    expect(taken.data.error.message).toBe(
      "An analysis named Segments already exists in this project. Choose another name.",
    );
    expect((await get(at(first))).data).toMatchObject({ name: first.name, version: first.version });
    expect((await get(at(second))).data).toMatchObject({ name: "Segments", version: second.version + 1 });
  });
});
