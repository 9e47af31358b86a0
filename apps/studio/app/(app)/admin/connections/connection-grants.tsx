"use client";

import type { ConnectionInfo, PostgresConnectionTest } from "@sous/contracts";
import { useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Badge } from "@/ui/badge.tsx";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { EmptyState, Panel } from "@/ui/panel.tsx";
import { useHydrated } from "@/ui/use-hydrated.ts";

// Admin: each PostgreSQL connection with a checkbox per project. Checking one grants the
// connection to the project (PUT /connections/{id}/projects/{projectId}), unchecking revokes it
// (DELETE): the project's members then no longer see it or import through it.

type ProjectRef = { id: string; key: string; name: string };

export function ConnectionGrants({
  initialConnections,
  projects,
}: {
  initialConnections: ConnectionInfo[];
  projects: ProjectRef[];
}) {
  const [connections, setConnections] = useState(initialConnections);
  if (connections.length === 0)
    return (
      <Panel>
        <EmptyState title="No PostgreSQL connection yet" testId="connections-empty">
          Add one from a project&apos;s “Import from…” dialog: it is granted to that project.
        </EmptyState>
      </Panel>
    );
  return (
    <div className="stack-24">
      {connections.map((c) => (
        <ConnectionCard
          key={c.id}
          connection={c}
          projects={projects}
          onChange={(next) => setConnections((cs) => cs.map((x) => (x.id === next.id ? next : x)))}
        />
      ))}
    </div>
  );
}

function ConnectionCard({
  connection: c,
  projects,
  onChange,
}: {
  connection: ConnectionInfo;
  projects: ProjectRef[];
  onChange: (c: ConnectionInfo) => void;
}) {
  const granted = new Set(c.projectIds ?? []);
  // The box being saved shows its new state at once; a refusal puts it back.
  const [pending, setPending] = useState<{ projectId: string; grant: boolean } | null>(null);
  const hydrated = useHydrated();
  const [error, setError] = useState<string | null>(null);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<PostgresConnectionTest | null>(null);
  const { host, port, database, user } = c.config;

  async function toggle(projectId: string, grant: boolean) {
    setPending({ projectId, grant });
    setError(null);
    try {
      const params = { connectionId: c.id, projectId };
      if (grant) onChange(await apiCall("PUT /connections/{connectionId}/projects/{projectId}", { params }));
      else {
        await apiCall("DELETE /connections/{connectionId}/projects/{projectId}", { params });
        onChange({ ...c, projectIds: [...granted].filter((id) => id !== projectId) });
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setPending(null);
    }
  }

  async function runTest() {
    setTesting(true);
    setError(null);
    setTest(null);
    try {
      setTest(await apiCall("POST /connections/{connectionId}/test", { params: { connectionId: c.id } }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setTesting(false);
    }
  }

  return (
    <Panel
      testId={`connection-${c.name}`}
      title={
        <>
          {c.name}{" "}
          <Badge tone={granted.size > 0 ? "accent" : "neutral"} testId="connection-grant-count">
            {granted.size === 0
              ? "no project"
              : `${granted.size} ${granted.size === 1 ? "project" : "projects"}`}
          </Badge>
        </>
      }
      actions={
        <Button size="sm" onClick={runTest} loading={testing} data-testid="connection-admin-test">
          Test connection
        </Button>
      }
    >
      <p className="mono conn-admin-target">
        {String(user ?? "")}@{String(host ?? "")}:{String(port ?? "")}/{String(database ?? "")}
      </p>
      {test ? (
        <div className="conn-admin-note" role="status" data-testid="connection-admin-test-result">
          Connected as {test.user} to PostgreSQL {test.serverVersion}.{" "}
          {test.canWrite ? (
            <>
              <strong className="conn-admin-warning">This user can write to the database.</strong>
              <ul className="conn-admin-warnings">
                {test.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </>
          ) : (
            "The user can only read."
          )}
        </div>
      ) : null}
      <fieldset className="conn-admin-projects">
        <legend className="field-label">Granted to</legend>
        {projects.length === 0 ? (
          <p className="muted conn-admin-note">No project yet.</p>
        ) : (
          projects.map((p) => (
            <label key={p.id} className="checkbox">
              <input
                type="checkbox"
                checked={pending?.projectId === p.id ? pending.grant : granted.has(p.id)}
                disabled={pending !== null || !hydrated}
                onChange={(e) => void toggle(p.id, e.target.checked)}
                data-testid={`connection-grant-${p.key}`}
              />
              <span>
                {p.name} <span className="muted mono">{p.key}</span>
              </span>
            </label>
          ))
        )}
      </fieldset>
      <FormError message={error} testId="connection-admin-error" />
    </Panel>
  );
}
