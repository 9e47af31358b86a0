import type { Metadata } from "next";
import { listApiServices, listDeployableVersions } from "@/server/services/api-services.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject } from "../../../../_lib/project-page.ts";
import { ApiServices } from "./api-services.tsx";
import "./api-services.css";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · API services · Sous` };
}

export default async function ApiServicesPage({ params }: Props) {
  const { projectId } = await params;
  const { user, role, project } = await loadProject(projectId);
  const [services, versions] = await Promise.all([
    listApiServices(projectId),
    listDeployableVersions(projectId),
  ]);
  return (
    <main className="api-services-page">
      <div className="api-services-head">
        <ButtonLink href={`/projects/${projectId}`} variant="secondary" icon={<ArrowLeftIcon />}>
          Back to flow
        </ButtonLink>
        <div>
          <h1>API services</h1>
          <div className="muted">
            {project.name}: saved models served as a REST API by the API node, with keys, versions and traffic
            splits. Changes reach the node within a second, without a restart.
          </div>
        </div>
      </div>
      <ApiServices
        projectId={projectId}
        initialServices={services}
        versions={versions}
        canEdit={role !== "VIEWER"}
        isAdmin={user.role === "ADMIN"}
      />
    </main>
  );
}
