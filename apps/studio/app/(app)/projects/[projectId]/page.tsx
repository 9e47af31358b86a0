import { DEMO_PROJECT_KEY, DEMO_QUESTIONS } from "@sous/server-domain/demo";
import type { Metadata } from "next";
import { getFlow } from "@/server/services/flow.ts";
import { loadProject } from "../../../_lib/project-page.ts";
import { ProjectEngine } from "./_engine/project-engine.tsx";
import { DemoBanner } from "./_flow/demo-banner.tsx";
import { FlowEditor } from "./_flow/flow-editor.tsx";

type Params = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · Flow · Sous` };
}

export default async function FlowPage({ params }: Params) {
  const { projectId } = await params;
  const { role, project } = await loadProject(projectId);
  // The first paint shows the Flow as it is; the editor refreshes it from the API after changes.
  // Only the graph: the side panel's schemas and recipe specs load after the first paint.
  const graph = await getFlow(projectId);
  return (
    <div className="project-shell">
      <ProjectEngine projectId={projectId} canEdit={role !== "VIEWER"} />
      {project.key === DEMO_PROJECT_KEY ? (
        <DemoBanner
          projectId={projectId}
          questions={DEMO_QUESTIONS}
          datasetIds={new Map(graph.nodes.filter((n) => n.type === "dataset").map((n) => [n.name, n.id]))}
        />
      ) : null}
      <FlowEditor
        projectId={projectId}
        projectName={project.name}
        projectKey={project.key}
        canEdit={role !== "VIEWER"}
        initialGraph={graph}
      />
    </div>
  );
}
