"use client";

import type { ScoreParams } from "@sous/contracts";
import type { SavedModelDto } from "@sous/ml";
import Link from "next/link";
import { useParams, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Field, Input, Select } from "@/ui/field.tsx";
import { Section } from "./forms-basic.tsx";
import type { FormProps } from "./types.ts";

// Score: a saved model of the project and the names of the columns it adds. It scores with the
// saved model's active version (compiled to SQL, or scored by scikit-learn when it has no portable
// form), so this shows which one that is.
export function ScoreForm({ params, set, readOnly }: FormProps<ScoreParams>) {
  const { projectId } = useParams<{ projectId: string }>();
  const asked = useSearchParams().get("model");
  const [models, setModels] = useState<SavedModelDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiCall("GET /projects/{projectId}/saved-models", { params: { projectId } }).then(setModels, (e) =>
      setError(errorMessage(e)),
    );
  }, [projectId]);
  // A new recipe starts on the model the Flow asked for, else the first one.
  useEffect(() => {
    if (params.savedModelId || !models?.length || readOnly) return;
    const pick = models.find((m) => m.id === asked) ?? models[0]!;
    set({ ...params, savedModelId: pick.id }, "savedModelId");
  }, [models, params, asked, readOnly, set]);

  const model = models?.find((m) => m.id === params.savedModelId);
  const active = model?.versions.find((v) => v.active);
  const clean = (p: ScoreParams) =>
    Object.fromEntries(Object.entries(p).filter(([, v]) => v !== "" && v !== undefined)) as ScoreParams;
  return (
    <>
      <Section
        title="Saved model"
        hint="Rows are scored with the model's active version, compiled to SQL (a version without a portable form scores with scikit-learn): activating another version outdates the output."
      >
        {error ? <p className="form-error">{error}</p> : null}
        <Field label="Model">
          {({ id }) => (
            <Select
              id={id}
              data-testid="score-model"
              value={params.savedModelId}
              disabled={readOnly || !models}
              onChange={(e) => set({ ...params, savedModelId: e.target.value }, "savedModelId")}
            >
              {!params.savedModelId ? (
                <option value="">{models ? "Pick a saved model" : "Loading..."}</option>
              ) : null}
              {models?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {models && models.length === 0 ? (
          <p className="section-hint">
            No saved model yet: train one in the <Link href={`/projects/${projectId}/lab`}>Lab</Link> and
            deploy it.
          </p>
        ) : null}
        {model ? (
          <p className="section-hint" data-testid="score-active-version">
            {active
              ? `Active version ${active.number} (${active.algorithm.algorithm}, ${active.task})${active.portable ? "" : ": no portable form, scores with scikit-learn in Python (no SQL), on the local engine"}`
              : "No active version"}
            {" · "}
            <Link href={`/projects/${projectId}/lab`}>Lab</Link>
          </p>
        ) : null}
      </Section>
      <Section title="Output columns">
        <Field label="Prediction column">
          {({ id }) => (
            <Input
              id={id}
              data-testid="score-prediction-column"
              placeholder="prediction"
              value={params.predictionColumn ?? ""}
              disabled={readOnly}
              onChange={(e) =>
                set(clean({ ...params, predictionColumn: e.target.value }), "predictionColumn")
              }
            />
          )}
        </Field>
        <Field label="Probability prefix">
          {({ id }) => (
            <Input
              id={id}
              data-testid="score-probability-prefix"
              placeholder="proba_"
              value={params.probabilityPrefix ?? ""}
              disabled={readOnly}
              onChange={(e) =>
                set(clean({ ...params, probabilityPrefix: e.target.value }), "probabilityPrefix")
              }
            />
          )}
        </Field>
      </Section>
    </>
  );
}
