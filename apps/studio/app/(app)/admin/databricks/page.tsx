import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listConnections } from "@/server/services/databricks-connections.ts";
import { listProfiles } from "@/server/services/databricks-profiles.ts";
import { requireUser } from "../../../_lib/session.ts";
import { DatabricksSettings } from "./databricks-settings.tsx";
import "./databricks.css";

export const metadata: Metadata = { title: "Databricks · Admin · Sous" };

export default async function DatabricksAdminPage() {
  const user = await requireUser();
  // Same answer as an unknown page: non-admins need not learn that the settings exist.
  if (user.role !== "ADMIN") notFound();
  const connections = await listConnections();
  const profiles = Object.fromEntries(
    await Promise.all(connections.map(async (c) => [c.id, await listProfiles(c.id)] as const)),
  );
  return (
    <main className="page" style={{ maxWidth: 960 }}>
      <div className="page-header">
        <div>
          <h1>Databricks</h1>
          <p>
            Workspaces that recipes can run on, the container each one mounts, and the clusters Sous may
            start. Tokens are encrypted at rest and never shown again: only whether one is set and its last 4
            characters.
          </p>
        </div>
      </div>
      <DatabricksSettings initialConnections={connections} initialProfiles={profiles} />
    </main>
  );
}
