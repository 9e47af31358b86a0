import { AppError } from "@sous/contracts";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listApiServices, listDeployableVersions } from "@/server/services/api-services.ts";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { getProject } from "@/server/services/projects.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { requireUser } from "../../../../_lib/session.ts";
import { ApiServices } from "./api-services.tsx";
import "./api-services.css";

type Props = { params: Promise<{ projectId: string }> };

async function load(projectId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    return { user, role, project: await getProject(projectId, role) };
  } catch (e) {
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await load((await params).projectId);
  return { title: `${project.name} · API services · Sous` };
}

export default async function ApiServicesPage({ params }: Props) {
  const { projectId } = await params;
  const { user, role, project } = await load(projectId);
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
