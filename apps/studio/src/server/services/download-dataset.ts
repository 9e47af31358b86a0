import "server-only";
import { createReadStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { newId } from "@sous/contracts";
import { exportDataset } from "@sous/engine-local";
import { ctx } from "../context.ts";
import { currentVersionOf, findDataset } from "./dataset-store.ts";

/**
 * The current version as one CSV or Parquet file, streamed from a temporary export that is
 * deleted once the response is sent (or the client goes away).
 */
export async function downloadDataset(
  projectId: string,
  datasetId: string,
  format: "csv" | "parquet",
): Promise<Response> {
  const d = await findDataset(projectId, datasetId);
  const v = currentVersionOf(d);
  const tmpDir = path.join(ctx().dataDir, "tmp", "downloads");
  await mkdir(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${newId()}.${format}`);
  try {
    // The version's files are read only while exporting: the response streams the export.
    const version = await ctx().storage.acquire(v.prefix);
    try {
      await exportDataset(await ctx().engine, { dir: version.dir, format, outFile: file });
    } finally {
      await version.release();
    }
    const { size } = await stat(file);
    const stream = createReadStream(file);
    const cleanup = () => void rm(file, { force: true });
    stream.on("close", cleanup);
    stream.on("error", cleanup);
    const safeName = d.name.replace(/[^\w.-]+/g, "_");
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/vnd.apache.parquet",
        "content-length": String(size),
        "content-disposition": `attachment; filename="${safeName}-v${v.number}.${format}"`,
      },
    });
  } catch (e) {
    await rm(file, { force: true });
    throw e;
  }
}
