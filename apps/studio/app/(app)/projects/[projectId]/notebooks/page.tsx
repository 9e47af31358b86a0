import type { Metadata } from "next";
import { listNotebooks } from "@/server/services/notebooks.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject } from "../../../../_lib/project-page.ts";
import { NotebooksHome } from "./notebooks-home.tsx";
import "./notebooks.css";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · Notebooks · Sous` };
}

export default async function NotebooksPage({ params }: Props) {
  const { projectId } = await params;
  const { role, project } = await loadProject(projectId);
  const notebooks = await listNotebooks(projectId);
  return (
    <main className="nb-page">
      <div className="nb-head">
        <ButtonLink href={`/projects/${projectId}`} variant="secondary" icon={<ArrowLeftIcon />}>
          Back to flow
        </ButtonLink>
        <div>
          <h1>Notebooks</h1>
          <div className="muted">
            {project.name}: SparkSQL over the project's datasets by name, run on the local engine over their
            full data, or Python in your own Jupyter kernel.
          </div>
        </div>
      </div>
      <NotebooksHome projectId={projectId} canEdit={role !== "VIEWER"} notebooks={notebooks} />
    </main>
  );
}
