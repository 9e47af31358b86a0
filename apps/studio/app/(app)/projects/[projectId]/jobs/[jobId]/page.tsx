import type { Metadata } from "next";
import { getJob, jobNames } from "@/server/services/jobs.ts";
import { loadProject, orNotFound } from "../../../../../_lib/project-page.ts";
import "../jobs.css";
import { JobView } from "./job-view.tsx";

type Props = { params: Promise<{ projectId: string; jobId: string }> };

async function load(projectId: string, jobId: string) {
  const { role, project } = await loadProject(projectId);
  const [job, names] = await orNotFound(() => Promise.all([getJob(projectId, jobId), jobNames(projectId)]));
  return { role, project, job, names };
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
