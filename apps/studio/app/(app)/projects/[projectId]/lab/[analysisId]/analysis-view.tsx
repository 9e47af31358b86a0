"use client";

import { designProblems, type MlAnalysisDto, type MlDesign, type MlTrainingDto } from "@sous/ml";
import { useCallback, useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { PlayIcon } from "@/ui/icons.tsx";
import { Panel } from "@/ui/panel.tsx";
import { useToast } from "@/ui/toast.tsx";
import { DesignEditor, type RemoteEngineOption } from "./design-editor.tsx";
import { ModelResults } from "./model-results.tsx";
import { TrainingList } from "./training-list.tsx";

// One analysis: its design (saved with the version it was edited from, so two people editing get
// a 409 rather than losing a change), its trainings (polled while one runs), and the results of
// the model chosen in the list.

export type Selection = { trainingId: string; modelIndex: number };

const running = (t: MlTrainingDto) => t.state === "QUEUED" || t.state === "RUNNING";

export function AnalysisView({
  projectId,
  canEdit,
  initial,
  reasons,
  savedModels,
  engines,
  initialSelection,
}: {
  projectId: string;
  canEdit: boolean;
  initial: MlAnalysisDto;
  reasons: Record<string, string>;
  savedModels: { id: string; name: string }[];
  engines: RemoteEngineOption[];
  initialSelection: Selection | null;
}) {
  const toast = useToast();
  const [analysis, setAnalysis] = useState(initial);
  const [draft, setDraft] = useState<MlDesign>(initial.design);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<"save" | "train" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selection, setSelection] = useState<Selection | null>(() => {
    if (initialSelection) return initialSelection;
    const last = initial.trainings.find((t) => t.result?.ok);
    return last?.result?.ok ? { trainingId: last.id, modelIndex: last.result.best.index } : null;
  });
  const analysisId = analysis.id;

  const reload = useCallback(async () => {
    const a = await apiCall("GET /projects/{projectId}/ml/analyses/{analysisId}", {
      params: { projectId, analysisId },
    });
    setAnalysis(a);
    return a;
  }, [projectId, analysisId]);

  // While a training runs, follow it; when it ends, show its best model.
  const active = analysis.trainings.some(running);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      void reload()
        .then((a) => {
          const done = a.trainings[0];
          if (done && !running(done) && done.result?.ok)
            setSelection({ trainingId: done.id, modelIndex: done.result.best.index });
        })
        .catch(() => {});
    }, 1000);
    return () => clearInterval(timer);
  }, [active, reload]);

  async function save(): Promise<MlAnalysisDto | null> {
    setBusy("save");
    setError(null);
    try {
      const a = await apiCall("PUT /projects/{projectId}/ml/analyses/{analysisId}", {
        params: { projectId, analysisId },
        body: { design: draft, version: analysis.version },
      });
      setAnalysis(a);
      setDraft(a.design);
      setDirty(false);
      return a;
    } catch (e) {
      setError(errorMessage(e));
      return null;
    } finally {
      setBusy(null);
    }
  }

  async function train() {
    if (dirty && !(await save())) return;
    setBusy("train");
    setError(null);
    try {
      const t = await apiCall("POST /projects/{projectId}/ml/analyses/{analysisId}/trainings", {
        params: { projectId, analysisId },
      });
      toast(`Training #${t.number} started.`, "info");
      await reload();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  // Saved designs carry the server's problems; an edit is checked here by the same rules.
  const problems = dirty ? designProblems(draft) : analysis.problems;
  return (
    <div className="analysis-layout">
      <Panel
        title="Design"
        className="analysis-design"
        testId="design-panel"
        actions={
          canEdit ? (
            <>
              <Button
                variant="secondary"
                onClick={() => void save()}
                disabled={!dirty || busy !== null}
                data-testid="save-design"
              >
                {busy === "save" ? "Saving…" : dirty ? "Save" : "Saved"}
              </Button>
              <Button
                icon={<PlayIcon />}
                onClick={() => void train()}
                disabled={busy !== null || active || problems.length > 0}
                title={
                  active
                    ? "A training of this analysis is running"
                    : "Save the design and train every algorithm"
                }
                data-testid="train"
              >
                {busy === "train" ? "Starting…" : active ? "Training…" : "Train"}
              </Button>
            </>
          ) : null
        }
      >
        <FormError message={error} testId="design-error" />
        {problems.length ? (
          <ul className="design-problems" data-testid="design-problems">
            {problems.map((p) => (
              <li key={p.message}>{p.message}</li>
            ))}
          </ul>
        ) : null}
        <DesignEditor
          design={draft}
          reasons={reasons}
          readOnly={!canEdit}
          engines={engines}
          onChange={(d) => {
            setDraft(d);
            setDirty(true);
          }}
        />
      </Panel>
      <div className="analysis-results">
        <TrainingList
          projectId={projectId}
          trainings={analysis.trainings}
          selection={selection}
          onSelect={setSelection}
        />
        {selection ? (
          <ModelResults
            key={`${selection.trainingId}-${selection.modelIndex}`}
            projectId={projectId}
            training={analysis.trainings.find((t) => t.id === selection.trainingId) ?? null}
            modelIndex={selection.modelIndex}
            canEdit={canEdit}
            savedModels={savedModels}
          />
        ) : null}
      </div>
    </div>
  );
}
