"use client";

import type {
  ColumnType,
  DatasetInfo,
  DatasetSampling,
  DatasetSchema,
  DatasetStats,
  DatasetVersion,
  SamplePage,
} from "@sous/contracts";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { Field, FormError, Input, Select } from "@/ui/field.tsx";
import { formatDate, formatRows, plural } from "@/ui/format.ts";
import { UploadIcon } from "@/ui/icons.tsx";
import { ImportDialog } from "@/ui/import-dialog.tsx";
import { useToast } from "@/ui/toast.tsx";
import { fmtNum } from "./column-header.tsx";
import { DatasetActions } from "./dataset-actions.tsx";
import { SampleTable, type SampleView } from "./sample-table.tsx";

const TYPES: ColumnType[] = [
  "string",
  "integer",
  "bigint",
  "double",
  "decimal",
  "boolean",
  "date",
  "timestamp",
];
type Tab = "explore" | "schema" | "versions" | "sampling";

export function Explore({
  dataset,
  initial,
  stats,
  sampling,
  canEdit,
  canReimport,
}: {
  dataset: DatasetInfo;
  initial: SamplePage | null;
  stats: DatasetStats | null;
  sampling: DatasetSampling;
  canEdit: boolean;
  /** Editors, on a dataset no recipe writes (a recipe's next build would replace the file). */
  canReimport: boolean;
}) {
  const [tab, setTab] = useState<Tab>("explore");
  const [view, setView] = useState<SampleView>({ filters: [] });
  const base = `/projects/${dataset.projectId}/datasets/${dataset.id}`;
  const ids: DatasetIds = useMemo(
    () => ({ projectId: dataset.projectId, datasetId: dataset.id }),
    [dataset.projectId, dataset.id],
  );
  const columns = initial?.columns ?? dataset.schema ?? [];
  const tabs: [Tab, string][] = [
    ["explore", "Explore"],
    ["schema", `Schema · ${columns.length}`],
    ["versions", "Versions"],
    ["sampling", "Sampling"],
  ];
  return (
    <section className="explore panel" data-testid="explore">
      <header className="explore-bar">
        <div className="tabs" role="tablist">
          {tabs.map(([t, label]) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? "tab active" : "tab"}
              onClick={() => setTab(t)}
              data-testid={`tab-${t}`}
            >
              {label}
            </button>
          ))}
        </div>
        <div className="explore-actions">
          {view.filters.length || view.sort ? (
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setView({ filters: [] })}
              data-testid="clear-view"
            >
              Clear sort and filters
            </Button>
          ) : null}
          <span className="sample-label" data-testid="sample-label">
            Sample: {describeSampling(sampling)}
          </span>
          {dataset.currentVersion ? (
            <>
              <a
                className="btn btn-secondary btn-sm"
                href={`/api/v1${base}/download?format=csv`}
                data-testid="download-csv"
              >
                <span className="btn-label">CSV</span>
              </a>
              <a className="btn btn-secondary btn-sm" href={`/api/v1${base}/download?format=parquet`}>
                <span className="btn-label">Parquet</span>
              </a>
            </>
          ) : null}
          {canReimport ? (
            <Reimport projectId={dataset.projectId} datasetId={dataset.id} name={dataset.name} />
          ) : null}
          {canEdit ? (
            <DatasetActions projectId={dataset.projectId} datasetId={dataset.id} name={dataset.name} />
          ) : null}
        </div>
      </header>
      <div className="explore-body">
        {tab === "explore" ? (
          initial ? (
            <SampleTable
              projectId={dataset.projectId}
              datasetId={dataset.id}
              columns={columns}
              stats={stats?.columns ?? null}
              statsScope={stats ?? undefined}
              sampleRows={initial.sampleRows}
              initial={initial}
              view={view}
              onView={setView}
            />
          ) : (
            <p className="muted pad">No data yet: import a file or build the dataset from its recipe.</p>
          )
        ) : null}
        {tab === "schema" ? (
          <SchemaEditor ids={ids} columns={columns} stats={stats} canEdit={canEdit} />
        ) : null}
        {tab === "versions" ? <Versions ids={ids} /> : null}
        {tab === "sampling" ? (
          <SamplingForm ids={ids} sampling={sampling} columns={columns} canEdit={canEdit} />
        ) : null}
      </div>
    </section>
  );
}

function describeSampling(s: DatasetSampling): string {
  switch (s.method) {
    case "first":
      return `first ${plural(s.n, "row")}`;
    case "last":
      return `last ${plural(s.n, "row")}`;
    case "random":
      return plural(s.n, "random row");
    case "ratio":
      return `random ${Math.round(s.ratio * 1000) / 10}%`;
    case "stratified":
      return `${plural(s.n, "row")} stratified by ${s.column}`;
    case "rebalance":
      return `~${plural(s.n, "row")}, classes of ${s.column} rebalanced`;
    case "values-subset":
      return `${Math.round(s.ratio * 1000) / 10}% of ${s.column} values`;
    case "full":
      return "all rows";
  }
}

/** Re-import: the chosen file opens the import dialog (options, preview), as a new version. */
function Reimport({ projectId, datasetId, name }: { projectId: string; datasetId: string; name: string }) {
  const router = useRouter();
  const notify = useToast();
  const [file, setFile] = useState<File | null>(null);
  return (
    <>
      <label className="btn btn-primary btn-sm file-btn" data-testid="reimport">
        <span className="btn-label">
          <UploadIcon size={14} />
          Re-import
        </span>
        <input
          type="file"
          className="sr-only"
          data-testid="reimport-input"
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (f) setFile(f);
          }}
        />
      </label>
      {file ? (
        <ImportDialog
          projectId={projectId}
          file={file}
          defaultName={name}
          replace={{ datasetId, name }}
          onClose={() => setFile(null)}
          onImported={(d) => {
            setFile(null);
            notify(`Imported ${file.name} as version ${d.currentVersion?.number}.`, "success");
            router.refresh();
          }}
        />
      ) : null}
    </>
  );
}

/** The path parameters of the dataset's routes. */
type DatasetIds = { projectId: string; datasetId: string };

function SchemaEditor({
  ids,
  columns,
  stats,
  canEdit,
}: {
  ids: DatasetIds;
  columns: DatasetSchema;
  stats: DatasetStats | null;
  canEdit: boolean;
}) {
  const router = useRouter();
  const notify = useToast();
  const [draft, setDraft] = useState(columns);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const dirty = draft.some((c, i) => c.type !== columns[i]?.type);
  const by = new Map((stats?.columns ?? []).map((s) => [s.name, s]));
  return (
    <div className="schema-editor">
      <table className="data-table" data-testid="schema-table">
        <thead>
          <tr>
            <th>Column</th>
            <th>Type</th>
            <th>Looks like</th>
            <th className="num">Valid</th>
            <th className="num">Invalid</th>
            <th className="num">Empty</th>
            <th className="num">Distinct</th>
            <th className="num">Min</th>
            <th className="num">Max</th>
            <th className="num">Mean</th>
            <th className="num">Std dev</th>
          </tr>
        </thead>
        <tbody>
          {draft.map((c, i) => {
            const s = by.get(c.name);
            return (
              <tr key={c.name}>
                <td className="schema-name">{c.name}</td>
                <td>
                  <Select
                    value={c.type}
                    disabled={!canEdit}
                    aria-label={`Type of ${c.name}`}
                    data-testid={`type-${c.name}`}
                    onChange={(e) =>
                      setDraft(
                        draft.map((d, j) => (j === i ? { ...d, type: e.target.value as ColumnType } : d)),
                      )
                    }
                  >
                    {TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </Select>
                </td>
                <td className="muted">{s?.meaning ?? ""}</td>
                <td className="num">{s ? fmtNum(s.valid) : ""}</td>
                <td className="num">{s?.invalid ? <span className="bad">{fmtNum(s.invalid)}</span> : "0"}</td>
                <td className="num">{s ? fmtNum(s.empty) : ""}</td>
                <td className="num">{s ? fmtNum(s.distinct) : ""}</td>
                <td className="num">{fmtCell(s?.min)}</td>
                <td className="num">{fmtCell(s?.max)}</td>
                <td className="num">{s?.mean === null || s === undefined ? "" : fmtNum(s.mean)}</td>
                <td className="num">{s?.stddev === null || s === undefined ? "" : fmtNum(s.stddev)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {canEdit ? (
        <div className="schema-actions">
          <Button
            variant="primary"
            disabled={!dirty}
            loading={saving}
            data-testid="save-schema"
            onClick={async () => {
              setSaving(true);
              setError(null);
              try {
                await apiCall("PUT /projects/{projectId}/datasets/{datasetId}/schema", {
                  params: ids,
                  body: { columns: draft },
                });
                notify("Types saved: the data was checked and written as a new version.", "success");
                router.refresh();
              } catch (e) {
                setError(errorMessage(e));
              } finally {
                setSaving(false);
              }
            }}
          >
            Check and save types
          </Button>
          {dirty ? (
            <Button variant="ghost" onClick={() => setDraft(columns)}>
              Revert
            </Button>
          ) : null}
          <FormError message={error} testId="schema-error" />
        </div>
      ) : null}
    </div>
  );
}

function fmtCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "";
  return typeof v === "number" ? fmtNum(v) : String(v);
}

function Versions({ ids }: { ids: DatasetIds }) {
  const [versions, setVersions] = useState<DatasetVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiCall("GET /projects/{projectId}/datasets/{datasetId}/versions", { params: ids }).then(
      setVersions,
      (e) => setError(errorMessage(e)),
    );
  }, [ids]);
  if (error) return <FormError message={error} />;
  if (!versions) return <p className="muted pad">Loading…</p>;
  return (
    <table className="data-table" data-testid="versions-table">
      <thead>
        <tr>
          <th>Version</th>
          <th>Created</th>
          <th>Origin</th>
          <th className="num">Rows</th>
          <th className="num">Size</th>
          <th>Columns</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.id}>
            <td>
              {v.number}
              {v.current ? <span className="badge badge-success current-badge">current</span> : null}
            </td>
            <td>{formatDate(v.createdAt)}</td>
            <td>{v.origin ?? "—"}</td>
            <td className="num">{formatRows(v.rowCount)}</td>
            <td className="num">{v.bytes === null ? "—" : `${(v.bytes / 1024).toFixed(1)} KiB`}</td>
            <td className="muted">{v.schema.map((c) => `${c.name}: ${c.type}`).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const METHODS: [DatasetSampling["method"], string][] = [
  ["first", "First records"],
  ["last", "Last records"],
  ["random", "Random (fixed number of records)"],
  ["ratio", "Random (ratio of records)"],
  ["stratified", "Stratified (fixed number, keeps a column's proportions)"],
  ["rebalance", "Class rebalancing (equalise a column's classes)"],
  ["values-subset", "Column values subset"],
  ["full", "No sampling (whole data)"],
];

/** The settings of a sampling method, from the form's fields (the API checks their ranges). */
function samplingOf(
  method: DatasetSampling["method"],
  v: { n: number; ratio: number; column: string; seed: number },
): DatasetSampling {
  switch (method) {
    case "first":
    case "last":
      return { method, n: v.n };
    case "random":
      return { method, n: v.n, seed: v.seed };
    case "ratio":
      return { method, ratio: v.ratio, seed: v.seed };
    case "stratified":
    case "rebalance":
      return { method, column: v.column, n: v.n, seed: v.seed };
    case "values-subset":
      return { method, column: v.column, ratio: v.ratio, seed: v.seed };
    case "full":
      return { method };
  }
}

function SamplingForm({
  ids,
  sampling,
  columns,
  canEdit,
}: {
  ids: DatasetIds;
  sampling: DatasetSampling;
  columns: DatasetSchema;
  canEdit: boolean;
}) {
  const router = useRouter();
  const notify = useToast();
  const [method, setMethod] = useState(sampling.method);
  const [n, setN] = useState(String("n" in sampling ? sampling.n : 10_000));
  const [ratio, setRatio] = useState(String("ratio" in sampling ? sampling.ratio : 0.1));
  const [column, setColumn] = useState("column" in sampling ? sampling.column : (columns[0]?.name ?? ""));
  const [seed, setSeed] = useState(String("seed" in sampling ? sampling.seed : 1));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const needs = {
    n: ["first", "last", "random", "stratified", "rebalance"].includes(method),
    ratio: ["ratio", "values-subset"].includes(method),
    column: ["stratified", "rebalance", "values-subset"].includes(method),
    seed: !["first", "last", "full"].includes(method),
  };
  return (
    <form
      className="sampling-form"
      data-testid="sampling-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaving(true);
        setError(null);
        const body = samplingOf(method, { n: Number(n), ratio: Number(ratio), column, seed: Number(seed) });
        try {
          await apiCall("PUT /projects/{projectId}/datasets/{datasetId}/sampling", { params: ids, body });
          notify("Sampling saved; the sample is drawn again.", "success");
          router.refresh();
        } catch (err) {
          setError(errorMessage(err));
        } finally {
          setSaving(false);
        }
      }}
    >
      <Field label="Method">
        {({ id }) => (
          <Select
            id={id}
            value={method}
            disabled={!canEdit}
            data-testid="sampling-method"
            onChange={(e) => setMethod(e.target.value as DatasetSampling["method"])}
          >
            {METHODS.map(([m, label]) => (
              <option key={m} value={m}>
                {label}
              </option>
            ))}
          </Select>
        )}
      </Field>
      {needs.n ? (
        <Field label="Records">
          {({ id }) => (
            <Input
              id={id}
              type="number"
              min={1}
              value={n}
              onChange={(e) => setN(e.target.value)}
              data-testid="sampling-n"
            />
          )}
        </Field>
      ) : null}
      {needs.ratio ? (
        <Field label="Ratio (0–1)">
          {({ id }) => (
            <Input
              id={id}
              type="number"
              step="0.01"
              min={0}
              max={1}
              value={ratio}
              onChange={(e) => setRatio(e.target.value)}
            />
          )}
        </Field>
      ) : null}
      {needs.column ? (
        <Field label="Column">
          {({ id }) => (
            <Select
              id={id}
              value={column}
              onChange={(e) => setColumn(e.target.value)}
              data-testid="sampling-column"
            >
              {columns.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
      ) : null}
      {needs.seed ? (
        <Field label="Seed (same seed, same rows)">
          {({ id }) => (
            <Input id={id} type="number" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} />
          )}
        </Field>
      ) : null}
      {canEdit ? (
        <div>
          <Button type="submit" variant="primary" loading={saving} data-testid="save-sampling">
            Save and refresh sample
          </Button>
        </div>
      ) : null}
      <FormError message={error} testId="sampling-error" />
    </form>
  );
}
