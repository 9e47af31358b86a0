"use client";

import type { EngineChoice, EngineOptions } from "@sous/contracts";
import Link from "next/link";
import { useState } from "react";
import { apiCall, Badge, errorMessage, Select } from "@/ui/index.ts";
import { useToast } from "@/ui/toast.tsx";

const LOCAL = "local";
const keyOf = (e: EngineChoice) =>
  e.kind === "local" ? LOCAL : `databricks:${e.connectionId}:${e.profileId}`;

function choiceOf(key: string): EngineChoice {
  if (key === LOCAL) return { kind: "local" };
  const [, connectionId = "", profileId = ""] = key.split(":");
  return { kind: "databricks", connectionId, profileId };
}

type Connection = EngineOptions["connections"][number];

/** Why a run on this connection would stop before it starts, for the person looking. */
function tokenNote(c: Connection): string | null {
  if (c.tokenState === "ready") return null;
  if (c.isolation === "per-user")
    return c.tokenState === "unreadable"
      ? `Your token for ${c.name} is unreadable with the current key: re-enter it on the Account page.`
      : `${c.name} runs jobs under each user's own token, and you have not stored one yet.`;
  return c.tokenState === "unreadable"
    ? `The token of ${c.name} is set, but unreadable with the current key: an administrator must re-enter it.`
    : `${c.name} has no token yet: an administrator must set one.`;
}

export function EnginePicker({
  projectId,
  canEdit,
  initialEngine,
  options,
}: {
  projectId: string;
  canEdit: boolean;
  initialEngine: EngineChoice;
  options: EngineOptions;
}) {
  const toast = useToast();
  const [engine, setEngine] = useState(initialEngine);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = keyOf(engine);
  const connection =
    engine.kind === "databricks" ? options.connections.find((c) => c.id === engine.connectionId) : undefined;
  const profile = connection?.profiles.find((p) => engine.kind === "databricks" && p.id === engine.profileId);
  const label =
    engine.kind === "local"
      ? "Local (DuckDB)"
      : connection && profile
        ? `${connection.name} · ${profile.name}`
        : "a Databricks profile that no longer exists";
  const gone = engine.kind === "databricks" && !profile;
  const note = connection && !gone ? tokenNote(connection) : null;
  const selectable = options.connections.filter((c) => c.profiles.length > 0);

  async function pick(key: string) {
    if (key === current) return;
    const next = choiceOf(key);
    setSaving(true);
    setError(null);
    try {
      const r = await apiCall("PUT /projects/{projectId}/engine", {
        params: { projectId },
        body: { engine: next },
      });
      setEngine(r.engine);
      toast(
        r.engine.kind === "local"
          ? "Recipes of this project now run locally, unless a recipe says otherwise."
          : "Recipes of this project now run on Databricks, unless a recipe says otherwise.",
        "success",
      );
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="project-engine" aria-label="Project engine" data-testid="project-engine">
      <span className="project-engine-label" id="project-engine-label">
        Engine
      </span>
      {canEdit ? (
        <Select
          aria-labelledby="project-engine-label"
          className="project-engine-select"
          value={current}
          disabled={saving}
          onChange={(e) => void pick(e.target.value)}
          data-testid="project-engine-select"
        >
          <option value={LOCAL}>Local (DuckDB)</option>
          {selectable.map((c) => (
            <optgroup key={c.id} label={`Databricks: ${c.name}`}>
              {c.profiles.map((p) => (
                <option key={p.id} value={`databricks:${c.id}:${p.id}`}>
                  {c.name} · {p.name}
                </option>
              ))}
            </optgroup>
          ))}
          {engine.kind === "databricks" && !profile ? <option value={current}>{label}</option> : null}
        </Select>
      ) : (
        <strong data-testid="project-engine-current">{label}</strong>
      )}
      <Badge
        tone={engine.kind === "local" ? "neutral" : gone ? "danger" : "accent"}
        testId="project-engine-kind"
      >
        {engine.kind === "local" ? "local" : gone ? "missing" : "Databricks"}
      </Badge>
      {/* One message, never "Databricks" next to "runs locally": a project left on a deleted
          profile says only that, and what to do. */}
      <span className="project-engine-hint" data-testid="project-engine-hint">
        {gone
          ? `Its Databricks profile was deleted: builds fail until ${canEdit ? "you pick" : "an editor picks"} another engine.`
          : selectable.length === 0 && canEdit
            ? "No Databricks workspace is configured yet: recipes run locally."
            : "Recipes run here unless a recipe overrides it."}
      </span>
      {note ? (
        <span className="project-engine-warning" role="status" data-testid="project-engine-token">
          {note}
          {connection?.isolation === "per-user" ? (
            <>
              {" "}
              <Link href="/account">Account</Link>
            </>
          ) : null}
        </span>
      ) : null}
      {error ? (
        <span className="project-engine-error" role="alert" data-testid="project-engine-error">
          {error}
        </span>
      ) : null}
    </section>
  );
}
