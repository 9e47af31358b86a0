import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listConnections } from "@/server/services/connections.ts";
import { listProjects } from "@/server/services/projects.ts";
import { requireUser } from "../../../_lib/session.ts";
import { ConnectionGrants } from "./connection-grants.tsx";
import "./connections.css";

export const metadata: Metadata = { title: "Connections · Admin · Sous" };

export default async function ConnectionsAdminPage() {
  const user = await requireUser();
  // Same answer as an unknown page: non-admins need not learn that the settings exist.
  if (user.role !== "ADMIN") notFound();
  const [connections, projects] = await Promise.all([listConnections(user), listProjects(user)]);
  return (
    <main className="page" style={{ maxWidth: 960 }}>
      <div className="page-header">
        <div>
          <h1>Connections</h1>
          <p>
            The PostgreSQL databases datasets are imported from, and the projects each one is granted to.
            Members of a granted project see the connection; its editors list its tables and import through
            it. Other users never see it. A connection added from a project&apos;s “Import from…” dialog is
            granted to that project.
          </p>
        </div>
      </div>
      <ConnectionGrants
        initialConnections={connections}
        projects={projects.map((p) => ({ id: p.id, key: p.key, name: p.name }))}
      />
    </main>
  );
}
