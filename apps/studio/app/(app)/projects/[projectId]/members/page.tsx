import type { Metadata } from "next";
import { listMembers } from "@/server/services/project-members.ts";
import { ButtonLink } from "@/ui/button.tsx";
import { ArrowLeftIcon } from "@/ui/icons.tsx";
import { loadProject } from "../../../../_lib/project-page.ts";
import { Members } from "./members.tsx";
import "./members.css";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { project } = await loadProject((await params).projectId);
  return { title: `${project.name} · Members · Sous` };
}

export default async function MembersPage({ params }: Props) {
  const { projectId } = await params;
  const { user, role, project } = await loadProject(projectId);
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
