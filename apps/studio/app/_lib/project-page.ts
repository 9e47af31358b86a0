import "server-only";
import { AppError } from "@sous/contracts";
import { notFound } from "next/navigation";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { requireUser } from "./session.ts";

/**
 * Runs a project page's loader and shows the 404 page when what it reads is missing or not the
 * caller's: someone else's project (or job, notebook...) and a missing one look the same, as in the API.
 */
export async function orNotFound<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}

/** The signed-in user, their role in the project and the project, or the 404 page. */
export async function loadProject(projectId: string) {
  const user = await requireUser();
  return orNotFound(async () => {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    return { user, role, project: await getProject(projectId, role) };
  });
}
