// Which clusters are busy is Sous' own bookkeeping: Databricks has no API that says how many
// statements a cluster is running for us. `createClusterLoad` keeps it in one process's memory;
// several worker processes share a Redis-backed load instead (apps/worker/src/redis-cluster-load.ts),
// so "every cluster of the profile is at its limit" means across all of them.

export type ClusterLoad = {
  /** Statements Sous is running (or about to run) on the cluster. */
  active(clusterId: string): number | Promise<number>;
  /** Counts one statement on the cluster until the returned release() is called (idempotent). */
  acquire(clusterId: string): (() => void) | Promise<() => void>;
  /** Runs `fn` alone for `key` (a profile id), so two jobs do not both pick the last free slot. */
  exclusive<T>(key: string, fn: () => Promise<T>): Promise<T>;
};

export function createClusterLoad(): ClusterLoad {
  const counts = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();
  return {
    active: (id) => counts.get(id) ?? 0,
    acquire(id) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const n = (counts.get(id) ?? 1) - 1;
        if (n <= 0) counts.delete(id);
        else counts.set(id, n);
      };
    },
    exclusive(key, fn) {
      const previous = queues.get(key) ?? Promise.resolve();
      const next = previous.then(fn, fn);
      const settled = next.catch(() => undefined);
      queues.set(key, settled);
      void settled.then(() => {
        if (queues.get(key) === settled) queues.delete(key);
      });
      return next;
    },
  };
}
