"use client";

import type { CsvOptions, DatasetInfo, ImportOptions, ImportSource } from "@sous/contracts";
import { useEffect, useState } from "react";
import { ApiError, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { DataTable } from "./data-table.tsx";
import { Field, FormError, Select } from "./field.tsx";
import { plural } from "./format.ts";
import { ColumnFields, CsvFields } from "./import-csv-fields.tsx";
import {
  checkDatasetName,
  DatasetNameField,
  ImportDialogFrame,
  ImportFoot,
  postImport,
  useImportRun,
} from "./import-dialog-core.tsx";
import { useStagedUpload } from "./use-staged-upload.ts";
import "./import-dialog.css";

// The import dialog: the file is staged (POST .../datasets/uploads), the options the server
// detected are shown next to a preview of the first rows, every edit re-previews the staged
// file, and "Import" turns it into a dataset (POST .../datasets/import). A preview or an import
// that fails keeps the staged file, so other options can be tried; closing the dialog without
// importing discards it. The name, the footer and the import itself are import-dialog-core's.

const FORMAT_LABEL: Record<ImportOptions["format"], string> = {
  csv: "CSV / TSV",
  parquet: "Parquet",
  json: "JSON / NDJSON",
  xlsx: "Excel workbook",
};

export interface ImportDialogProps {
  projectId: string;
  file: File;
  /** The dataset name proposed to the user (free in the project). */
  defaultName: string;
  /** Re-import: the file becomes the next version of this dataset (same id, same recipes); no name asked. */
  replace?: { datasetId: string; name: string };
  /** Names already used in the project: checked before asking the server. */
  takenNames?: ReadonlySet<string>;
  onClose: () => void;
  onImported: (dataset: DatasetInfo) => void;
}

export function ImportDialog({
  projectId,
  file,
  defaultName,
  replace,
  takenNames,
  onClose,
  onImported,
}: ImportDialogProps) {
  const { stage, uploadId, options, setOptions, preview, previewing, previewError, consumed } =
    useStagedUpload(projectId, file);
  const [name, setName] = useState(defaultName);
  const run = useImportRun(onClose, onImported);
  const { dialog, importing } = run;

  // Once the file is read, the name field (or Import, on a re-import) takes focus.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the dialog's ref is stable; the stage is the trigger
  useEffect(() => {
    if (stage.kind === "ready")
      dialog.current
        ?.querySelector<HTMLElement>("[data-testid=import-name], [data-testid=import-submit]")
        ?.focus();
  }, [stage.kind]);

  function submit() {
    if (!uploadId || !options) return;
    const source: ImportSource = { kind: "upload", uploadId, options };
    return run.run(
      async () => {
        const ds = await postImport(
          projectId,
          replace ? { datasetId: replace.datasetId, source } : { name: name.trim(), source },
        );
        consumed.current = true;
        return ds;
      },
      (e) => {
        // The server keeps a staged file whose import failed: change the name or the options and
        // import again. Only an upload that is gone (expired) needs the file chosen again.
        const gone = e instanceof ApiError && e.code === "not_found";
        if (gone) consumed.current = true;
        return gone
          ? errorMessage(e)
          : `${errorMessage(e).replace(/\s*Fix the file and upload it again\.$/, "")} Change the settings and import again.`;
      },
    );
  }

  const csv = options?.format === "csv" ? options.csv : null;
  const setCsv = (patch: Partial<CsvOptions>) => {
    if (!csv) return;
    // Names and types go by position: another dialect reads other columns, so they start over.
    const dialect = Object.keys(patch).some(
      (k) => k !== "columns" && k !== "skipBadLines" && k !== "decimalSeparator",
    );
    const next = { ...csv, ...patch };
    if (dialect && !("columns" in patch)) delete next.columns;
    setOptions({ format: "csv", csv: next });
  };
  const sheets = preview?.sheets ?? (stage.kind === "ready" ? stage.upload.preview?.sheets : undefined);
  const nameError = replace ? null : checkDatasetName(name, takenNames);
  const canImport =
    stage.kind === "ready" && !previewing && !previewError && !nameError && !importing && !consumed.current;

  return (
    <ImportDialogFrame
      run={run}
      title={replace ? `Re-import ${replace.name} from ${file.name}` : `Import ${file.name}`}
      subtitle={`${formatBytes(file.size)}${options ? ` · ${FORMAT_LABEL[options.format]}` : ""}`}
      testId="import-dialog"
      className="import-dialog"
    >
      {stage.kind === "uploading" ? (
        <div className="import-status" data-testid="import-status" role="status">
          <span className="spinner" aria-hidden="true" /> Uploading and reading the file…
        </div>
      ) : null}

      {stage.kind === "failed" ? (
        <div className="import-body-single">
          <FormError message={`${file.name}: ${stage.message}`} testId="import-error" />
          <div className="modal-actions">
            <Button onClick={run.close}>Close</Button>
          </div>
        </div>
      ) : null}

      {stage.kind === "ready" && options ? (
        <form
          className="import-body"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="import-options" data-testid="import-options">
            {replace ? (
              <p className="muted small" data-testid="import-replace-note">
                The data of {replace.name} is replaced by this file as a new version; its recipes stay.
              </p>
            ) : (
              <DatasetNameField value={name} onChange={setName} error={nameError} testId="import-name" />
            )}
            {csv ? <CsvFields csv={csv} onChange={setCsv} /> : null}
            {csv && preview && !previewError ? (
              <ColumnFields
                csv={csv}
                detected={preview.columns}
                onChange={(columns) => setCsv({ columns })}
              />
            ) : null}
            {options.format === "xlsx" ? (
              <Field label="Sheet">
                {({ id }) => (
                  <Select
                    id={id}
                    value={options.sheet ?? sheets?.[0] ?? ""}
                    onChange={(e) => setOptions({ format: "xlsx", sheet: e.target.value })}
                    data-testid="import-sheet"
                  >
                    {(sheets ?? []).map((s) => (
                      <option key={s} value={s}>
                        {s}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            ) : null}
            {options.format === "parquet" || options.format === "json" ? (
              <p className="muted small">
                {FORMAT_LABEL[options.format]} files carry their own structure: there is nothing to set.
              </p>
            ) : null}
          </div>

          <div className="import-preview">
            <div className="import-preview-head">
              <span className="import-preview-title">Preview</span>
              <span className="muted small" data-testid="import-preview-status" role="status">
                {previewing ? (
                  <>
                    <span className="spinner spinner-sm" aria-hidden="true" /> Reading with the new settings…
                  </>
                ) : previewError ? (
                  "Not readable with these settings"
                ) : preview ? (
                  `First ${plural(preview.rows.length, "row")} · ${plural(preview.columns.length, "column")}`
                ) : null}
              </span>
            </div>
            {preview?.skippedLines && !previewing && !previewError ? (
              <p
                className={`import-skipped${preview.skippedLines.count ? " has-skipped" : ""}`}
                data-testid="import-skipped"
                role="status"
              >
                {skippedSentence(preview.skippedLines)}
              </p>
            ) : null}
            {previewError ? (
              <FormError
                message={`${previewError.replace(/\s*Fix the file and upload it again\.$/, "")} Change the settings on the left to read it another way.`}
                testId="import-preview-error"
              />
            ) : null}
            {preview ? (
              <div className={`import-table${previewing || previewError ? " stale" : ""}`}>
                <DataTable
                  columns={dedupeNames(preview.columns)}
                  rows={preview.rows}
                  testId="import-preview"
                  caption="The first rows of the file read with these settings"
                />
              </div>
            ) : null}
          </div>

          <ImportFoot run={run} canImport={canImport} testIds="import" />
        </form>
      ) : null}
    </ImportDialogFrame>
  );
}

function skippedSentence(s: { count: number; lines: number[]; partial?: boolean }): string {
  const scope = s.partial ? " in the rows read so far" : "";
  if (s.count === 0) return `No bad lines${scope}.`;
  const more = s.count > s.lines.length ? ", …" : "";
  return `${plural(s.count, "bad line")} skipped${scope}: ${s.lines.length === 1 ? "line" : "lines"} ${s.lines.join(", ")}${more}.`;
}

/** The table keys headers by name; a file may repeat one (the import then refuses it, named). */
function dedupeNames(columns: { name: string; type: string }[]) {
  const seen = new Map<string, number>();
  return columns.map((c) => {
    const n = seen.get(c.name) ?? 0;
    seen.set(c.name, n + 1);
    return n === 0 ? c : { ...c, name: `${c.name} (${n + 1})` };
  });
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}
