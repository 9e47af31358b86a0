"use client";

import type { ComputeProfile } from "@sous/contracts";
import { useState } from "react";
import { ApiError, type ApiResponse, apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input, Select, Textarea } from "@/ui/field.tsx";
import { plural } from "@/ui/format.ts";

type Catalog = ApiResponse<"GET /admin/databricks/connections/{connectionId}/catalog">;
type Issue = { path: string; message: string };

const TEMPLATE = {
  spark_version: "15.4.x-scala2.12",
  node_type_id: "Standard_DS3_v2",
  autoscale: { min_workers: 1, max_workers: 4 },
  autotermination_minutes: 30,
  spark_conf: { "spark.sql.session.timeZone": "UTC" },
  data_security_mode: "NONE",
};

/** Profiles of one connection, and a JSON editor whose errors point at the field. */
export function ProfileEditor({
  connectionId,
  profiles,
  onProfiles,
}: {
  connectionId: string;
  profiles: ComputeProfile[];
  onProfiles: (ps: ComputeProfile[]) => void;
}) {
  const [editing, setEditing] = useState<ComputeProfile | null>(null);
  const [name, setName] = useState("default");
  const [json, setJson] = useState(JSON.stringify(TEMPLATE, null, 2));
  const [maxClusters, setMaxClusters] = useState(2);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function patch(field: string, value: string) {
    try {
      const spec = JSON.parse(json) as Record<string, unknown>;
      spec[field] = value;
      setJson(JSON.stringify(spec, null, 2));
    } catch {
      setError("Fix the JSON first: it does not parse.");
    }
  }

  async function loadCatalog() {
    setError(null);
    try {
      setCatalog(
        await apiCall("GET /admin/databricks/connections/{connectionId}/catalog", {
          params: { connectionId },
        }),
      );
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function save() {
    setIssues([]);
    setError(null);
    let spec: unknown;
    try {
      spec = JSON.parse(json);
    } catch (e) {
      setIssues([{ path: "(json)", message: `not valid JSON: ${errorMessage(e)}` }]);
      return;
    }
    setBusy(true);
    try {
      const body = { name, spec, maxClusters, maxActiveStatements: 4 };
      const saved = editing
        ? await apiCall("PUT /admin/databricks/connections/{connectionId}/profiles/{profileId}", {
            params: { connectionId, profileId: editing.id },
            body,
          })
        : await apiCall("POST /admin/databricks/connections/{connectionId}/profiles", {
            params: { connectionId },
            body,
          });
      onProfiles(editing ? profiles.map((p) => (p.id === saved.id ? saved : p)) : [...profiles, saved]);
      // Back to a blank "new profile" form: the saved one is listed above.
      setEditing(null);
      setName("");
      setJson(JSON.stringify(TEMPLATE, null, 2));
    } catch (e) {
      // The API lists each bad field; show them next to the editor, by path.
      const m = e instanceof ApiError ? /^The cluster JSON is not valid: (.*)$/.exec(e.message) : null;
      if (m?.[1]) {
        setIssues(
          m[1].split("; ").map((s) => {
            const i = s.indexOf(": ");
            return { path: s.slice(0, i), message: s.slice(i + 2) };
          }),
        );
      } else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="form-stack">
      {profiles.length > 0 ? (
        <ul className="dbx-profiles" data-testid="dbx-profiles">
          {profiles.map((p) => (
            <li key={p.id} data-testid={`dbx-profile-${p.name}`}>
              <strong>{p.name}</strong>{" "}
              <span className="mono muted">
                {String(p.spec.spark_version)} · {String(p.spec.node_type_id ?? "default node")} · up to{" "}
                {plural(p.maxClusters, "cluster")}
              </span>{" "}
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setEditing(p);
                  setName(p.name);
                  setMaxClusters(p.maxClusters);
                  setJson(JSON.stringify(p.spec, null, 2));
                }}
              >
                Edit
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No profile yet: jobs need one to create clusters.</p>
      )}
      <div className="form-row">
        <Field label="Profile name" className="grow">
          {({ id }) => (
            <Input
              id={id}
              data-testid="profile-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Max clusters" hint="Busy clusters make Sous start another, up to this">
          {({ id }) => (
            <Input
              id={id}
              type="number"
              min={1}
              max={20}
              value={maxClusters}
              onChange={(e) => setMaxClusters(Number(e.target.value))}
            />
          )}
        </Field>
      </div>
      <div className="form-row">
        {catalog ? (
          <>
            <Select
              aria-label="Spark version"
              data-testid="profile-spark-version"
              onChange={(e) => patch("spark_version", e.target.value)}
              defaultValue=""
            >
              <option value="" disabled>
                Spark version…
              </option>
              {catalog.sparkVersions.map((v) => (
                <option key={v.key} value={v.key}>
                  {v.name}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Node type"
              data-testid="profile-node-type"
              onChange={(e) => patch("node_type_id", e.target.value)}
              defaultValue=""
            >
              <option value="" disabled>
                Node type…
              </option>
              {catalog.nodeTypes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.id} ({n.cores} cores, {Math.round(n.memoryMb / 1024)} GB)
                </option>
              ))}
            </Select>
          </>
        ) : (
          <Button size="sm" onClick={loadCatalog} data-testid="profile-load-catalog">
            Offer the workspace's Spark versions and node types
          </Button>
        )}
      </div>
      <Field
        label="Cluster JSON (Clusters API)"
        hint="spark_version, node_type_id, autoscale or num_workers, autotermination_minutes, spark_conf, custom_tags, data_security_mode"
      >
        {({ id }) => (
          <Textarea
            id={id}
            data-testid="profile-json"
            className="mono"
            rows={12}
            spellCheck={false}
            value={json}
            onChange={(e) => setJson(e.target.value)}
          />
        )}
      </Field>
      {issues.length > 0 ? (
        <ul className="dbx-issues" data-testid="profile-issues" role="alert">
          {issues.map((i) => (
            <li key={`${i.path}:${i.message}`} data-path={i.path}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      <FormError message={error} testId="profile-error" />
      <div>
        <Button variant="primary" onClick={save} loading={busy} data-testid="profile-save">
          {editing ? `Save ${editing.name}` : "Add profile"}
        </Button>
      </div>
    </div>
  );
}
