"use client";

import { type ReactNode, useState } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";
import { Button } from "@/ui/button.tsx";
import { TypeTag } from "@/ui/columns.tsx";
import { DataTable } from "@/ui/data-table.tsx";
import { formatCount, formatRows } from "@/ui/format.ts";
import { EmptyState, Spinner } from "@/ui/panel.tsx";
import { nameParamPaths } from "@/ui/step-names.ts";
import type { PreviewState } from "./use-preview.ts";

/** "Aggregation 1" for a parameter path, else "step <id>" as before. */
const whereIn = (stepId: string) => {
  const named = nameParamPaths(stepId);
  return named === stepId ? `step ${stepId}` : named;
};

type Tab = "preview" | "schema" | "sql";

export function PreviewPane({
  state,
  waiting,
  highlight,
  note,
  convert,
  nameSteps,
}: {
  state: PreviewState;
  waiting: string | null;
  /** Columns to mark in the table (prepare: added or changed by a step). */
  highlight?: ReadonlyMap<string, { kind: "added" | "changed"; note: string }>;
  /** A line above the table (prepare: which step the table is "as of"). */
  note?: ReactNode;
  /** The SQL tab's "Convert to SQL recipe" (absent for SQL recipes). */
  convert?: ConvertAction;
  /** Puts step names in place of the step ids compiler messages carry (prepare recipes). */
  nameSteps?: (text: string) => string;
}) {
  const [tab, setTab] = useState<Tab>("preview");
  const { data, error, loading } = state;
  // A SQL recipe's schema is only known by running it: the preview's columns stand in for it.
  const schemaFromRun = Boolean(data && data.outputSchema.length === 0 && !data.runError);
  const schema = (schemaFromRun ? data?.columns : data?.outputSchema) ?? [];
  return (
    <section className="preview-pane" aria-label="Output">
      <div className="pane-tabs" role="tablist" aria-label="Output views">
        <TabButton id="preview" tab={tab} setTab={setTab}>
          Preview
        </TabButton>
        <TabButton id="schema" tab={tab} setTab={setTab}>
          Output schema{data ? <span className="tab-count">{schema.length}</span> : null}
        </TabButton>
        <TabButton id="sql" tab={tab} setTab={setTab}>
          SQL
        </TabButton>
        <span
          className="pane-status"
          data-testid="preview-status"
          data-state={loading ? "loading" : error ? "error" : data ? "ready" : "idle"}
        >
          {loading ? (
            <>
              <Spinner label="Updating the preview" /> Updating…
            </>
          ) : data ? (
            <>
              {data.runError
                ? "No rows"
                : data.truncated
                  ? `${formatCount(data.rows.length)}+ rows`
                  : formatRows(data.rows.length)}{" "}
              on a sample of {data.inputs.map((i) => `${formatCount(i.sampleRows)} ${i.name}`).join(" + ")}{" "}
              rows · {data.durationMs} ms
            </>
          ) : null}
        </span>
      </div>
      {error ? (
        <div className="preview-error form-error" role="alert" data-testid="preview-error">
          {error.code === "compile_error" ? "This recipe does not compile yet: " : null}
          {error.message}
        </div>
      ) : null}
      {data?.runError && !error ? (
        <div className="preview-error form-error" role="alert" data-testid="preview-run-error">
          {data.runError}
        </div>
      ) : null}
      {data?.engines.duckdb.warnings.length ? (
        <ul className="preview-warnings" data-testid="preview-warnings">
          {data.engines.duckdb.warnings.map((w) => (
            <li key={w}>{nameSteps ? nameSteps(w) : nameParamPaths(w)}</li>
          ))}
        </ul>
      ) : null}
      {note && tab === "preview" ? <div className="preview-note">{note}</div> : null}
      <div className={`pane-body${error || loading ? " pane-stale" : ""}`}>
        {waiting ? (
          <EmptyState title="Nothing to preview yet" testId="preview-waiting">
            {waiting}
          </EmptyState>
        ) : !data ? (
          loading ? (
            <div className="pane-loading" data-testid="preview-loading">
              <Spinner /> Computing the output on a sample…
            </div>
          ) : null
        ) : tab === "preview" ? (
          data.runError ? null : data.rows.length === 0 ? (
            <EmptyState title="No rows" testId="preview-empty">
              No row of the sample comes out of this recipe.
            </EmptyState>
          ) : (
            <DataTable
              columns={data.columns}
              rows={data.rows}
              testId="preview-table"
              caption="Output preview"
              highlight={highlight}
            />
          )
        ) : tab === "schema" ? (
          <SchemaView schema={schema} fromRun={schemaFromRun} />
        ) : (
          <SqlView data={data} convert={convert} nameSteps={nameSteps} />
        )}
      </div>
    </section>
  );
}

function TabButton({
  id,
  tab,
  setTab,
  children,
}: {
  id: Tab;
  tab: Tab;
  setTab: (t: Tab) => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      role="tab"
      aria-selected={tab === id}
      className="pane-tab"
      data-testid={`tab-${id}`}
      onClick={() => setTab(id)}
    >
      {children}
    </button>
  );
}

function SchemaView({ schema, fromRun }: { schema: RecipePreview["columns"]; fromRun: boolean }) {
  return (
    <ol className="output-schema" data-testid="output-schema">
      {fromRun ? (
        <li className="muted small" data-testid="schema-from-run">
          Read from the preview's result: a SQL query's columns are known by running it.
        </li>
      ) : null}
      {schema.map((c) => (
        <li key={c.name} data-testid={`output-col-${c.name}`}>
          <TypeTag type={c.type} />
          <span className="col-name">{c.name}</span>
          <span className="col-type">{c.type}</span>
        </li>
      ))}
    </ol>
  );
}

export interface ConvertAction {
  /** Why it cannot be converted now (unsaved changes, a new recipe...); null: it can. */
  blocked: string | null;
  run: () => Promise<string | null>;
}

function SqlView({
  data,
  convert,
  nameSteps,
}: {
  data: RecipePreview;
  convert: ConvertAction | undefined;
  nameSteps: ((text: string) => string) | undefined;
}) {
  return (
    <div className="sql-views">
      {convert ? <ConvertBox convert={convert} /> : null}
      {(["spark", "duckdb"] as const).map((d) => {
        const e = data.engines[d];
        return (
          <section key={d} className="sql-view" data-testid={`sql-${d}`}>
            <h4>
              {d === "spark" ? "SparkSQL · Databricks" : "DuckDB · local"}
              <span className="muted small"> read-only</span>
            </h4>
            {e.blocking ? (
              <p className="form-error">
                Cannot run here:{" "}
                {nameSteps
                  ? nameSteps(`${e.blocking.reason} (${e.blocking.stepId})`)
                  : `${e.blocking.reason} (${whereIn(e.blocking.stepId)})`}
              </p>
            ) : (
              <pre className="sql-code" data-testid={`sql-code-${d}`}>
                {e.sql}
              </pre>
            )}
          </section>
        );
      })}
    </div>
  );
}

function ConvertBox({ convert }: { convert: ConvertAction }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function go() {
    setBusy(true);
    setError(await convert.run());
    setBusy(false);
    setAsking(false);
  }
  return (
    <div className="convert-sql" data-testid="convert-sql">
      {asking ? (
        <div
          className="confirm-box"
          role="alertdialog"
          aria-label="Convert to a SQL recipe?"
          data-testid="convert-confirm"
        >
          <strong>Convert to a SQL recipe? This is one-way.</strong>
          <span>
            The recipe becomes a SQL code recipe holding the SparkSQL below: same name, inputs and outputs.
            Its visual settings are gone for good: there is no way back to this editor.
          </span>
          <div className="side-actions">
            <Button
              variant="danger"
              loading={busy}
              onClick={() => void go()}
              data-testid="convert-confirm-button"
            >
              Convert, one-way
            </Button>
            <Button variant="ghost" onClick={() => setAsking(false)} data-testid="convert-cancel">
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <div className="convert-line">
          <Button
            size="sm"
            disabled={convert.blocked !== null}
            title={convert.blocked ?? "Turn this recipe into a SQL code recipe (asks first)"}
            onClick={() => {
              setError(null);
              setAsking(true);
            }}
            data-testid="convert-sql-button"
          >
            Convert to SQL recipe…
          </Button>
          <span className="muted small">{convert.blocked ?? "Edit the SparkSQL by hand from then on."}</span>
        </div>
      )}
      {error ? (
        <div className="form-error" role="alert" data-testid="convert-error">
          {error}
        </div>
      ) : null}
    </div>
  );
}
