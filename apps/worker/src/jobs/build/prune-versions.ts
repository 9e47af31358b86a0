import { rm } from "node:fs/promises";
import path from "node:path";
import type { WorkerContext } from "../../context.ts";

/**
 * Keeps the newest `keep` published versions of a dataset (the current one always) and removes
 * the rest: rows first, so nobody is handed a version whose files are going away, then the
 * files, then the samples and stats the studio cached for them (SOUS_DATA_DIR/cache/samples/<version>,
 * see the studio's dataset-store). The same rule as the studio applies after an import.
 * Returns the ids of the versions removed.
 */
export async function pruneVersions(
  ctx: Pick<WorkerContext, "db" | "storage" | "dataDir">,
  datasetId: string,
  keep: number,
): Promise<string[]> {
  const { db, storage } = ctx;
  const d = await db.dataset.findUnique({ where: { id: datasetId }, select: { currentVersionId: true } });
  const versions = await db.datasetVersion.findMany({
    where: { datasetId, status: "PUBLISHED" },
    orderBy: { number: "desc" },
    select: { id: true, prefix: true },
  });
  const old = versions.slice(Math.max(1, keep)).filter((v) => v.id !== d?.currentVersionId);
  for (const v of old) {
    await db.datasetVersion.delete({ where: { id: v.id } });
    await storage.deletePrefix(v.prefix);
    await rm(path.join(ctx.dataDir, "cache", "samples", v.id), { recursive: true, force: true });
  }
  return old.map((v) => v.id);
}
