import { AppError } from "@sous/contracts";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getJob, jobNames } from "@/server/services/jobs.ts";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { requireUser } from "../../../../../_lib/session.ts";
import "../jobs.css";
import { JobView } from "./job-view.tsx";

type Props = { params: Promise<{ projectId: string; jobId: string }> };

async function load(projectId: string, jobId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    const [project, job, names] = await Promise.all([
      getProject(projectId, role),
      getJob(projectId, jobId),
      jobNames(projectId),
    ]);
    return { role, project, job, names };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, jobId } = await params;
  const { project } = await load(projectId, jobId);
  return { title: `Job · ${project.name} · Sous` };
}

export default async function JobPage({ params }: Props) {
  const { projectId, jobId } = await params;
  const { role, project, job, names } = await load(projectId, jobId);
  return (
    <JobView
      projectId={projectId}
      projectName={project.name}
      initialJob={job}
      canCancel={role !== "VIEWER"}
      datasetNames={Object.fromEntries(names.datasets.map((d) => [d.id, d.name]))}
      recipeNames={Object.fromEntries(names.recipes.map((r) => [r.id, r.name]))}
    />
  );
}
