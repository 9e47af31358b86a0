// Mounts backed by a local folder or by an Azure Blob container (Azurite in tests), as a
// workspace mounts a container at dbfs:/mnt/<name>. DuckDB cannot read blobs offline (its azure
// extension is downloaded at run time), so a Blob mount is mirrored: a statement's inputs are
// downloaded into a local mirror before it runs and its output folder is uploaded after.
import { mkdirSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";
import { type MountTable, resolveMountedPath } from "./mounts.ts";

export type BlobMountSpec = { blob: { connectionString: string; container: string; prefix?: string } };
/** A local folder, or a Blob container (and folder inside it). */
export type MountSpec = string | BlobMountSpec;

type BlobMirror = { localRoot: string; container: ContainerClient; prefix: string };

export type MountStore = {
  /** Cluster prefix -> local folder (the mirror for Blob mounts), for the SQL translation. */
  table: MountTable;
  /** Downloads what a statement reads from Blob mounts into their mirrors. */
  beforeRead(localPaths: readonly string[]): Promise<void>;
  /** Uploads a folder a statement wrote into a Blob mount's mirror, replacing what was there. */
  afterWrite(localDir: string): Promise<void>;
  /**
   * Before a Python task (which may read any path): every Blob mount's container downloaded
   * into its mirror. Returns the instant to give `afterRun`.
   */
  beforeRun(): Promise<number>;
  /** After a Python task: the files it wrote (modified since `since`) uploaded, in their folders' place. */
  afterRun(since: number): Promise<void>;
  /** DBFS get-status of a cluster path; undefined when nothing is there. */
  status(clusterPath: string): Promise<{ is_dir: boolean; file_size: number } | undefined>;
};

export function createMountStore(
  mounts: Readonly<Record<string, MountSpec>>,
  mirrorRoot: string,
): MountStore {
  const table: Record<string, string> = {};
  const mirrors: BlobMirror[] = [];
  Object.entries(mounts).forEach(([prefix, spec], i) => {
    if (typeof spec === "string") {
      table[prefix] = spec;
      return;
    }
    const localRoot = path.join(mirrorRoot, `mount-${i}`);
    // Spark's view file system links the mount to this folder: it must exist before a write.
    mkdirSync(localRoot, { recursive: true });
    table[prefix] = localRoot;
    const container = BlobServiceClient.fromConnectionString(spec.blob.connectionString).getContainerClient(
      spec.blob.container,
    );
    mirrors.push({ localRoot, container, prefix: (spec.blob.prefix ?? "").replace(/^\/+|\/+$/g, "") });
  });

  const mirrorOf = (local: string) => {
    const abs = path.resolve(local);
    for (const m of mirrors) {
      const root = path.resolve(m.localRoot);
      if (abs === root || abs.startsWith(`${root}${path.sep}`)) {
        const rel = path.relative(root, abs).split(path.sep).join("/");
        const blobPath = [m.prefix, rel].filter((x) => x !== "").join("/");
        return { mirror: m, blobPath };
      }
    }
    return undefined;
  };

  return {
    table,
    async beforeRead(localPaths) {
      for (const local of localPaths) {
        const hit = mirrorOf(local);
        if (!hit) continue;
        // A fresh copy each time (the container is the truth), swapped in with a rename so a
        // concurrent statement never sees a half-downloaded folder.
        const tmp = `${local}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
        const listPrefix = hit.blobPath === "" ? undefined : `${hit.blobPath}/`;
        let any = false;
        for await (const blob of hit.mirror.container.listBlobsFlat(
          listPrefix ? { prefix: listPrefix } : {},
        )) {
          any = true;
          const rel = listPrefix ? blob.name.slice(listPrefix.length) : blob.name;
          const file = path.join(tmp, ...rel.split("/"));
          await mkdir(path.dirname(file), { recursive: true });
          await hit.mirror.container.getBlobClient(blob.name).downloadToFile(file);
        }
        if (any) {
          await rm(local, { recursive: true, force: true });
          await mkdir(path.dirname(local), { recursive: true });
          await rename(tmp, local);
        }
        // A single file path (…/x.parquet) rather than a folder.
        if (!any && hit.blobPath !== "") {
          const client = hit.mirror.container.getBlobClient(hit.blobPath);
          if (await client.exists()) {
            await mkdir(path.dirname(local), { recursive: true });
            await client.downloadToFile(local);
          }
        }
      }
    },
    async afterWrite(localDir) {
      const hit = mirrorOf(localDir);
      if (!hit) return;
      const prefix = hit.blobPath === "" ? "" : `${hit.blobPath}/`;
      for await (const blob of hit.mirror.container.listBlobsFlat({ prefix })) {
        await hit.mirror.container.deleteBlob(blob.name);
      }
      for (const file of await uploadable(localDir)) {
        const rel = path.relative(localDir, file).split(path.sep).join("/");
        const body = await readFile(file);
        await hit.mirror.container.getBlockBlobClient(`${prefix}${rel}`).uploadData(body);
      }
    },
    async beforeRun() {
      const since = Date.now();
      await this.beforeRead(mirrors.map((m) => m.localRoot));
      // Files downloaded just now are not the task's writes.
      return Math.max(since, Date.now());
    },
    async afterRun(since) {
      for (const m of mirrors) {
        const written = [];
        for (const file of await uploadable(m.localRoot)) {
          if ((await stat(file)).mtimeMs >= since) written.push(file);
        }
        // A folder the task wrote into is replaced as a whole (Spark's overwrite mode deletes
        // the old part files), like an INSERT OVERWRITE DIRECTORY.
        const folders = new Set(written.map((f) => path.dirname(f)));
        for (const folder of folders) await this.afterWrite(folder);
      }
    },
    async status(clusterPath) {
      let local: string;
      try {
        local = resolveMountedPath(clusterPath, table);
      } catch {
        return undefined;
      }
      const hit = mirrorOf(local);
      if (!hit) {
        const s = await stat(local).catch(() => undefined);
        return s ? { is_dir: s.isDirectory(), file_size: s.isDirectory() ? 0 : s.size } : undefined;
      }
      const file = hit.mirror.container.getBlobClient(hit.blobPath);
      if (hit.blobPath !== "" && (await file.exists())) {
        const props = await file.getProperties();
        return { is_dir: false, file_size: props.contentLength ?? 0 };
      }
      const prefix = hit.blobPath === "" ? "" : `${hit.blobPath}/`;
      for await (const _ of hit.mirror.container.listBlobsFlat({ prefix }))
        return { is_dir: true, file_size: 0 };
      return undefined;
    },
  };
}

// Checksums are the local file system's artefact: a workspace's container has none.
async function uploadable(dir: string): Promise<string[]> {
  return (await walk(dir)).filter((f) => !f.endsWith(".crc"));
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
