import type { Metadata } from "next";
import Link from "next/link";
import { listProjects } from "@/server/services/projects.ts";
import { formatDate } from "@/ui/format.ts";
import { FolderIcon } from "@/ui/icons.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { requireUser } from "../_lib/session.ts";
import { NewProjectForm } from "./_components/new-project-form.tsx";

export const metadata: Metadata = { title: "Projects · Sous" };

export default async function ProjectsPage() {
  const user = await requireUser();
  const projects = await listProjects(user);
  return (
    <main className="page">
      <div className="page-header">
        <div>
          <h1>Projects</h1>
          <p>Each project holds a Flow of datasets and the recipes that transform them.</p>
        </div>
      </div>
      <div className="projects-layout">
        <Panel
          title={`All projects${projects.length ? ` (${projects.length})` : ""}`}
          testId="project-list"
          className="flush-panel"
        >
          {projects.length === 0 ? (
            <EmptyState icon={<FolderIcon size={24} />} title="No projects yet" testId="projects-empty">
              Create your first project with the form on the right, then upload a CSV file to start its Flow.
            </EmptyState>
          ) : (
            <ul className="project-list">
              {projects.map((p) => (
                <li key={p.id}>
                  <Link href={`/projects/${p.id}`} className="project-item" data-testid={`project-${p.key}`}>
                    <span className="project-key" aria-hidden="true">
                      {p.key.slice(0, 2)}
                    </span>
                    <span className="project-main">
                      <span className="project-name">{p.name}</span>
                      <span className="project-desc">{p.description || "No description"}</span>
                    </span>
                    <span className="project-meta">
                      <span className="mono">{p.key}</span>
                      <br />
                      {formatDate(p.createdAt)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="New project">
          <NewProjectForm />
        </Panel>
      </div>
    </main>
  );
}
