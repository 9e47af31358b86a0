import type { Job } from "@sous/contracts";
import { apiCall } from "@/ui/api.ts";

/** How often the editor looks for a job started elsewhere while none is followed. */
export const ACTIVE_JOB_POLL_MS = 4000;

const ACTIVE = new Set(["QUEUED", "RUNNING"]);

/**
 * The newest job that writes one of these datasets and is still queued or running, or was queued
 * since `since` (a quick build started from the Flow can end between two looks), skipping the
 * ones in `seen`; null when there is none. The jobs API's `dataset` filter matches targets and
 * activities. A failed look is no job: the next one retries.
 */
export async function findOutputJob(
  projectId: string,
  outputIds: string[],
  since: string,
  seen: ReadonlySet<string>,
): Promise<Job | null> {
  const lists = await Promise.all(
    outputIds.map((id) =>
      apiCall("GET /projects/{projectId}/jobs", {
        params: { projectId },
        query: { dataset: id, limit: 5 },
      }).catch((): Job[] => []),
    ),
  );
  const writes = new Set(outputIds);
  const found = lists
    .flat()
    .filter(
      (j) =>
        !seen.has(j.id) &&
        (ACTIVE.has(j.state) || j.queuedAt >= since) &&
        j.activities.some((a) => writes.has(a.outputDatasetId)),
    )
    .sort((a, b) => b.queuedAt.localeCompare(a.queuedAt));
  return found[0] ?? null;
}
