// The mounted container seen from the folder the workspace mounts: keys are relative to that
// folder, so a dataset version keeps the same relative key in the container
// (<folder>/projects/<p>/datasets/<d>/versions/<v>/) as in the installation's storage, and
// `clusterPathFor` maps it to <storage prefix>/projects/... on the cluster.
import type { DatasetStorage } from "@sous/storage";

export function storageUnderFolder(storage: DatasetStorage, folder: string): DatasetStorage {
  const root = folder.replace(/^\/+|\/+$/g, "");
  if (root === "") return storage;
  const k = (key: string) => `${root}/${key.replace(/^\/+/, "")}`;
  return {
    kind: storage.kind,
    acquire: (prefix) => storage.acquire(k(prefix)),
    stage: (prefix) => storage.stage(k(prefix)),
    putStream: (key, body, opts) => storage.putStream(k(key), body, opts),
    getStream: (key) => storage.getStream(k(key)),
    exists: (key) => storage.exists(k(key)),
    list: async (prefix) =>
      (await storage.list(k(prefix))).map((o) => ({ ...o, key: o.key.slice(root.length + 1) })),
    deletePrefix: (prefix) => storage.deletePrefix(k(prefix)),
  };
}
