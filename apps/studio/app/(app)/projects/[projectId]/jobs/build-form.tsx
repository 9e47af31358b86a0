"use client";

import type { BuildMode, BuildPlan } from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Checkbox, Field, FormError, Select } from "@/ui/field.tsx";
import { PlayIcon } from "@/ui/icons.tsx";
import { MODE_LABEL } from "./job-format.ts";

const MODES: BuildMode[] = ["smart", "build-only-this", "forced-recursive", "missing-only"];

/**
 * Start a build from the jobs page: datasets, a build mode, pipelines on or off. "Preview plan"
 * is a dry run: it shows the activities, the recipes merged into each pipeline and the datasets
 * that are up to date or not written, without starting anything.
 */
export function BuildForm({
  projectId,
  datasets,
}: {
  projectId: string;
  /** Datasets some recipe writes (the only ones a build can target). */
  datasets: { id: string; name: string }[];
}) {
  const router = useRouter();
  const [targets, setTargets] = useState<string[]>([]);
  const [mode, setMode] = useState<BuildMode>("smart");
  const [pipelines, setPipelines] = useState(true);
  const [plan, setPlan] = useState<BuildPlan | null>(null);
  const [busy, setBusy] = useState<"plan" | "build" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const name = new Map(datasets.map((d) => [d.id, d.name]));

  const submit = async (dryRun: boolean) => {
    setBusy(dryRun ? "plan" : "build");
    setError(null);
    try {
      const r = await apiCall("POST /projects/{projectId}/jobs", {
        params: { projectId },
        body: { targets, mode, pipelines, dryRun },
      });
      if ("dryRun" in r) setPlan(r.plan);
      else router.push(`/projects/${projectId}/jobs/${r.id}`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="build-form" data-testid="build-form">
      <div className="build-form-row">
        <Field label="Datasets to build" className="build-form-targets">
          {({ id }) => (
            <Select
              id={id}
              multiple
              value={targets}
              onChange={(e) => {
                setTargets([...e.target.selectedOptions].map((o) => o.value));
                setPlan(null);
              }}
              data-testid="build-targets"
              size={Math.min(6, Math.max(3, datasets.length))}
            >
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="build-form-options">
          <Field label="Mode">
            {({ id }) => (
              <Select
                id={id}
                value={mode}
                onChange={(e) => {
                  setMode(e.target.value as BuildMode);
                  setPlan(null);
                }}
                data-testid="build-mode"
              >
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {MODE_LABEL[m]}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Checkbox
            label="Merge consecutive recipes into pipelines"
            checked={pipelines}
            onChange={(e) => {
              setPipelines(e.target.checked);
              setPlan(null);
            }}
          />
          <div className="side-actions">
            <Button
              onClick={() => submit(true)}
              loading={busy === "plan"}
              disabled={!targets.length}
              data-testid="build-preview"
            >
              Preview plan
            </Button>
            <Button
              variant="primary"
              icon={<PlayIcon />}
              onClick={() => submit(false)}
              loading={busy === "build"}
              disabled={!targets.length}
              data-testid="build-start"
            >
              Build
            </Button>
          </div>
        </div>
      </div>
      <FormError message={error} testId="build-error" />
      {plan ? (
        <div className="build-plan" data-testid="build-plan">
          {plan.activities.length ? (
            <ol>
              {plan.activities.map((a) => (
                <li key={a.position}>
                  {a.recipeNames.length > 1 ? <span className="job-pipeline">Pipeline</span> : null}
                  {a.recipeNames.join(" → ")} → <strong>{a.outputDatasetName}</strong>{" "}
                  <span className="muted">
                    ({a.reason}
                    {a.virtualDatasetNames.length ? `; not written: ${a.virtualDatasetNames.join(", ")}` : ""}
                    {a.dependsOn.length ? `; after ${a.dependsOn.map((p) => p + 1).join(", ")}` : ""})
                  </span>
                </li>
              ))}
            </ol>
          ) : (
            <p>Nothing to build: everything asked for is up to date.</p>
          )}
          {plan.upToDate.length ? (
            <p className="muted">Up to date: {plan.upToDate.map((d) => name.get(d) ?? d).join(", ")}</p>
          ) : null}
          {plan.problems?.length ? (
            <div className="error" role="alert" data-testid="plan-problems">
              This build would fail:
              <ul>
                {plan.problems.map((p) => (
                  <li key={p.recipeId}>
                    <strong>{p.recipeName}</strong>: {p.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
