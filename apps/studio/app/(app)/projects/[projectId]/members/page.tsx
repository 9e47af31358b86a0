import { AppError } from "@sous/contracts";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireProjectRole } from "@/server/services/project-access.ts";
import { listMembers } from "@/server/services/project-members.ts";
import { getProject } from "@/server/services/projects.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { requireUser } from "../../../../_lib/session.ts";
import { Members } from "./members.tsx";
import "./members.css";

type Props = { params: Promise<{ projectId: string }> };

async function load(projectId: string) {
  const user = await requireUser();
  try {
    const role = await requireProjectRole({ user, projectId, minRole: "VIEWER" });
    return { user, role, project: await getProject(projectId, role) };
  } catch (e) {
    // Someone else's project and a missing one look the same, as in the API.
    if (e instanceof AppError && (e.code === "not_found" || e.code === "forbidden")) notFound();
    throw e;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await load((await params).projectId);
  return { title: `${project.name} · Members · Sous` };
}

export default async function MembersPage({ params }: Props) {
  const { projectId } = await params;
  const { user, role, project } = await load(projectId);
  const members = await listMembers(projectId);
  return (
    <main className="members-page">
      <div className="members-head">
        <ButtonLink href={`/projects/${projectId}`} variant="secondary" icon={<ArrowLeftIcon />}>
          Back to flow
        </ButtonLink>
        <div>
          <h1>Members</h1>
          <div className="muted">
            {project.name}: who can open this project. Viewers read, editors change datasets and recipes and
            run builds, owners also manage members.
          </div>
        </div>
      </div>
      <Members
        projectId={projectId}
        initialMembers={members}
        canEdit={role === "OWNER"}
        yourRole={role}
        currentUserId={user.id}
        isAdmin={user.role === "ADMIN"}
      />
    </main>
  );
}
