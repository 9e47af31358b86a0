import "server-only";
import { AppError } from "@sous/contracts";
import { notFound } from "next/navigation";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { requireUser } from "../../../../_lib/session.ts";

/** The signed-in user's role and the project, or the 404 page (someone else's project looks missing). */
export async function loadProject(projectId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    return { user, role, project: await getProject(projectId, role) };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}
