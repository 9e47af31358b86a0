import { type DatasetSchema, DatasetSchemaSchema } from "@sous/contracts";
import type { ReadLease } from "@sous/storage";
import type { WorkerContext } from "../../context.ts";

/** A stored dataset version the build reads, leased from the read cache for the build's length. */
export interface LeasedVersion {
  name: string;
  schema: DatasetSchema;
  dir: string;
  prefix: string;
}

/**
 * An evaluation recipe appends its metrics row to the rows its metrics dataset (its second output)
 * holds now, one row per run as DSS's evaluation store keeps them. The current version is read like
 * an input (leased, in the sandbox's read list, copied to the cluster); none before the first run.
 */
export async function leasePreviousMetrics(
  ctx: Pick<WorkerContext, "db" | "storage">,
  outputs: readonly { datasetId: string; position: number }[],
  leases: ReadLease[],
): Promise<LeasedVersion | null> {
  const metrics = [...outputs].sort((a, b) => a.position - b.position)[1];
  if (!metrics) return null;
  const d = await ctx.db.dataset.findUnique({
    where: { id: metrics.datasetId },
    select: { name: true, currentVersion: { select: { prefix: true, schema: true } } },
  });
  if (!d?.currentVersion) return null;
  const lease = await ctx.storage.acquire(d.currentVersion.prefix);
  leases.push(lease);
  return {
    name: d.name,
    schema: DatasetSchemaSchema.parse(d.currentVersion.schema),
    dir: lease.dir,
    prefix: d.currentVersion.prefix,
  };
}
