"use client";

import {
  type ColumnType,
  ColumnTypeSchema,
  type CsvOptions,
  type DatasetInfo,
  type ImportColumn,
  type ImportOptions,
  type ImportPreview,
  ObjectNameSchema,
  type UploadInfo,
} from "@sous/contracts";
import { useEffect, useRef, useState } from "react";
import { ApiError, api, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { DataTable } from "./data-table.tsx";
import { Checkbox, Field, FormError, Input, Select } from "./field.tsx";
import { formatCount } from "./format.ts";
import { ModalDialog, ModalFoot } from "./modal-dialog.tsx";
import "./import-dialog.css";

// The import dialog: the file is staged (POST .../datasets/uploads), the options the server
// detected are shown next to a preview of the first rows, every edit re-previews the staged
// file, and "Import" turns it into a dataset (POST .../datasets/import). A preview or an import
// that fails keeps the staged file, so other options can be tried; closing the dialog without
// importing discards it.

/** The delimiters offered by name; the folder import (connection-import-dialog) offers the same. */
export const DELIMITERS: { value: string; label: string }[] = [
  { value: ",", label: "Comma ( , )" },
  { value: ";", label: "Semicolon ( ; )" },
  { value: "\t", label: "Tab" },
  { value: "|", label: "Pipe ( | )" },
];
const QUOTES: { value: string; label: string }[] = [
  { value: '"', label: '" double' },
  { value: "'", label: "' single" },
  { value: "", label: "None" },
];
const ESCAPES: { value: string; label: string }[] = [
  { value: '"', label: '"" doubled' },
  { value: "\\", label: "\\ backslash" },
  { value: "'", label: "'' doubled" },
  { value: "", label: "None" },
];
const ENCODINGS: CsvOptions["encoding"][] = ["utf-8", "latin-1", "utf-16"];
const FORMAT_LABEL: Record<ImportOptions["format"], string> = {
  csv: "CSV / TSV",
  parquet: "Parquet",
  json: "JSON / NDJSON",
  xlsx: "Excel workbook",
};
const CUSTOM = "custom";
const TYPE_LABEL: Record<ColumnType, string> = {
  string: "Text",
  integer: "Integer",
  bigint: "Big int",
  double: "Double",
  decimal: "Decimal",
  boolean: "Boolean",
  date: "Date",
  timestamp: "Timestamp",
};
const PREVIEW_DEBOUNCE_MS = 250;

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

type Stage =
  | { kind: "uploading" }
  | { kind: "failed"; message: string }
  | { kind: "ready"; upload: UploadInfo };

export function ImportDialog({
  projectId,
  file,
  defaultName,
  replace,
  takenNames,
  onClose,
  onImported,
}: ImportDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [stage, setStage] = useState<Stage>({ kind: "uploading" });
  const [options, setOptions] = useState<ImportOptions | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [name, setName] = useState(defaultName);
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  const uploadId = stage.kind === "ready" ? stage.upload.id : null;
  // The staged file is discarded when the dialog closes without importing it.
  const consumed = useRef(false);
  const staged = useRef<string | null>(null);

  useEffect(() => {
    if (stage.kind === "ready")
      dialog.current
        ?.querySelector<HTMLElement>("[data-testid=import-name], [data-testid=import-submit]")
        ?.focus();
  }, [stage.kind]);

  // Stage the file once; its first preview comes with the detected options.
  useEffect(() => {
    let live = true;
    // A new file (dropped again) starts over: nothing of the previous one may be imported.
    setStage({ kind: "uploading" });
    setOptions(null);
    setPreview(null);
    setPreviewError(null);
    staged.current = null;
    consumed.current = false;
    api<UploadInfo>(`/projects/${projectId}/datasets/uploads?fileName=${encodeURIComponent(file.name)}`, {
      method: "POST",
      body: file,
      headers: { "content-type": "application/octet-stream" },
    })
      .then((u) => {
        if (!live) {
          void discard(projectId, u.id);
          return;
        }
        staged.current = u.id;
        setStage({ kind: "ready", upload: u });
        setOptions(u.options);
        setPreview(u.preview);
        setPreviewError(u.previewError ?? null);
      })
      .catch((e) => {
        if (live) setStage({ kind: "failed", message: errorMessage(e) });
      });
    return () => {
      live = false;
      if (staged.current && !consumed.current) void discard(projectId, staged.current);
    };
  }, [projectId, file]);

  // Every edit re-reads the staged file; only the answer to the latest edit is shown.
  const seq = useRef(0);
  useEffect(() => {
    if (!uploadId || !options || stage.kind !== "ready") return;
    if (options === stage.upload.options) return; // the first preview came with the upload
    const mine = ++seq.current;
    setPreviewing(true);
    const t = window.setTimeout(() => {
      api<ImportPreview>(`/projects/${projectId}/datasets/uploads/${uploadId}/preview`, {
        method: "POST",
        json: { options },
      })
        .then((p) => {
          if (mine !== seq.current) return;
          setPreview(p);
          setPreviewError(null);
        })
        .catch((e) => {
          if (mine === seq.current) setPreviewError(errorMessage(e));
        })
        .finally(() => {
          if (mine === seq.current) setPreviewing(false);
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(t);
  }, [options, uploadId, projectId, stage]);

  async function submit() {
    if (!uploadId || !options) return;
    setImporting(true);
    setImportError(null);
    try {
      const source = { kind: "upload", uploadId, options };
      const ds = replace
        ? await api<DatasetInfo>(`/projects/${projectId}/datasets/${replace.datasetId}/import`, {
            method: "POST",
            json: { source },
          })
        : await api<DatasetInfo>(`/projects/${projectId}/datasets/import`, {
            method: "POST",
            json: { name: name.trim(), source },
          });
      consumed.current = true;
      dialog.current?.close();
      onImported(ds);
    } catch (e) {
      // The server keeps a staged file whose import failed: change the name or the options and
      // import again. Only an upload that is gone (expired) needs the file chosen again.
      const gone = e instanceof ApiError && e.code === "not_found";
      if (gone) consumed.current = true;
      setImportError(
        gone
          ? `${errorMessage(e)}`
          : `${errorMessage(e).replace(/\s*Fix the file and upload it again\.$/, "")} Change the settings and import again.`,
      );
    } finally {
      setImporting(false);
    }
  }

  function close() {
    dialog.current?.close();
    onClose();
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
  const nameError = replace ? null : checkName(name, takenNames);
  const canImport =
    stage.kind === "ready" && !previewing && !previewError && !nameError && !importing && !consumed.current;

  return (
    <ModalDialog
      ref={dialog}
      title={replace ? `Re-import ${replace.name} from ${file.name}` : `Import ${file.name}`}
      subtitle={`${formatBytes(file.size)}${options ? ` · ${FORMAT_LABEL[options.format]}` : ""}`}
      busy={importing}
      onClose={close}
      testId="import-dialog"
      className="import-dialog"
      closeLabel="Close without importing"
      focusSelf // not the close button: the name field takes focus once the file is read
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
            <Button onClick={close}>Close</Button>
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
              <Field label="Dataset name" error={nameError}>
                {({ id, describedBy, invalid }) => (
                  <Input
                    id={id}
                    aria-describedby={describedBy}
                    aria-invalid={invalid}
                    value={name}
                    maxLength={128}
                    onChange={(e) => setName(e.target.value)}
                    data-testid="import-name"
                  />
                )}
              </Field>
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

          <ModalFoot
            error={importError}
            errorTestId="import-error"
            busy={importing}
            onCancel={close}
            cancelTestId="import-cancel"
          >
            <Button
              type="submit"
              variant="primary"
              loading={importing}
              disabled={!canImport}
              data-testid="import-submit"
            >
              Import
            </Button>
          </ModalFoot>
        </form>
      ) : null}
    </ModalDialog>
  );
}

function CsvFields({ csv, onChange }: { csv: CsvOptions; onChange: (patch: Partial<CsvOptions>) => void }) {
  const known = DELIMITERS.some((d) => d.value === csv.delimiter);
  const [custom, setCustom] = useState(!known);
  const [skipText, setSkipText] = useState(String(csv.skipLines));
  return (
    <>
      <div className="import-row">
        <Field label="Delimiter">
          {({ id }) => (
            <Select
              id={id}
              value={custom ? CUSTOM : csv.delimiter}
              onChange={(e) => {
                if (e.target.value === CUSTOM) return setCustom(true);
                setCustom(false);
                onChange({ delimiter: e.target.value });
              }}
              data-testid="import-delimiter"
            >
              {DELIMITERS.map((d) => (
                <option key={d.label} value={d.value}>
                  {d.label}
                </option>
              ))}
              <option value={CUSTOM}>Other…</option>
            </Select>
          )}
        </Field>
        {custom ? (
          <Field label="Other delimiter">
            {({ id }) => (
              <Input
                id={id}
                value={csv.delimiter}
                maxLength={4}
                onChange={(e) => {
                  if (e.target.value) onChange({ delimiter: e.target.value });
                }}
                data-testid="import-delimiter-custom"
              />
            )}
          </Field>
        ) : null}
      </div>
      <div className="import-row">
        <Field label="Quote">
          {({ id }) => (
            <Select
              id={id}
              value={csv.quote}
              onChange={(e) => onChange({ quote: e.target.value })}
              data-testid="import-quote"
            >
              {withCurrent(QUOTES, csv.quote).map((q) => (
                <option key={q.label} value={q.value}>
                  {q.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Escape">
          {({ id }) => (
            <Select
              id={id}
              value={csv.escape}
              onChange={(e) => onChange({ escape: e.target.value })}
              data-testid="import-escape"
            >
              {withCurrent(ESCAPES, csv.escape).map((q) => (
                <option key={q.label} value={q.value}>
                  {q.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <div className="import-row">
        <Field label="Encoding">
          {({ id }) => (
            <Select
              id={id}
              value={csv.encoding}
              onChange={(e) => onChange({ encoding: e.target.value as CsvOptions["encoding"] })}
              data-testid="import-encoding"
            >
              {ENCODINGS.map((enc) => (
                <option key={enc} value={enc}>
                  {enc.toUpperCase()}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Lines to skip" hint="Before the header">
          {({ id, describedBy }) => (
            <Input
              id={id}
              type="number"
              min={0}
              max={1000}
              aria-describedby={describedBy}
              value={skipText}
              onChange={(e) => {
                // The field may be empty or half-typed; the options change only on a valid count.
                setSkipText(e.target.value);
                const n = Number(e.target.value);
                if (e.target.value !== "" && Number.isInteger(n) && n >= 0 && n <= 1000)
                  onChange({ skipLines: n });
              }}
              onBlur={() => setSkipText(String(csv.skipLines))}
              data-testid="import-skip"
            />
          )}
        </Field>
      </div>
      <Field label="Decimal separator">
        {({ id }) => (
          <Select
            id={id}
            value={csv.decimalSeparator ?? "."}
            onChange={(e) => onChange({ decimalSeparator: e.target.value as "." | "," })}
            data-testid="import-decimal"
          >
            <option value=".">Point ( 10.5 )</option>
            <option value=",">Comma ( 10,5 )</option>
          </Select>
        )}
      </Field>
      <div className="import-checks">
        <Checkbox
          label="First line holds the column names"
          checked={csv.header}
          onChange={(e) => onChange({ header: e.target.checked })}
          data-testid="import-header"
        />
        <Checkbox
          label="Lines end with the delimiter"
          title="Like .tbl/.dat exports (a|b|): the empty last column is dropped"
          checked={csv.trailingDelimiter ?? false}
          onChange={(e) => onChange({ trailingDelimiter: e.target.checked })}
          data-testid="import-trailing"
        />
        <Checkbox
          label="Skip bad lines"
          title="Leave out lines with the wrong number of fields or a value that does not fit its column's type, and count them"
          checked={csv.skipBadLines ?? false}
          onChange={(e) => onChange({ skipBadLines: e.target.checked })}
          data-testid="import-skip-bad"
        />
      </div>
    </>
  );
}

/**
 * The columns as they will be imported: each name can be edited (a headerless file starts with
 * col_1..col_n) and each type chosen instead of the detected one (e.g. a money column as decimal).
 */
function ColumnFields({
  csv,
  detected,
  onChange,
}: {
  csv: CsvOptions;
  detected: { name: string; type: ColumnType }[];
  onChange: (columns: ImportColumn[]) => void;
}) {
  const chosen = csv.columns && csv.columns.length === detected.length ? csv.columns : null;
  const edit = (i: number, patch: ImportColumn) => {
    const base: ImportColumn[] = chosen ?? detected.map((c) => ({ name: c.name }));
    onChange(base.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  };
  return (
    <fieldset className="import-columns" data-testid="import-columns">
      <legend>Columns</legend>
      <div className="import-columns-list">
        {detected.map((c, i) => {
          const name = chosen?.[i]?.name ?? c.name;
          const type = chosen?.[i]?.type ?? "";
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional; names change as the user types
            <div className="import-column" key={i}>
              <span className="import-column-pos muted small">{i + 1}</span>
              <Input
                aria-label={`Name of column ${i + 1}`}
                value={name}
                maxLength={256}
                onChange={(e) => edit(i, { name: e.target.value })}
                data-testid={`import-col-name-${i}`}
              />
              <Select
                aria-label={`Type of column ${i + 1}`}
                value={type}
                onChange={(e) =>
                  edit(i, { type: e.target.value ? (e.target.value as ColumnType) : undefined })
                }
                data-testid={`import-col-type-${i}`}
              >
                <option value="">{type ? "Auto" : `Auto: ${TYPE_LABEL[c.type]}`}</option>
                {ColumnTypeSchema.options.map((t) => (
                  <option key={t} value={t}>
                    {TYPE_LABEL[t]}
                  </option>
                ))}
              </Select>
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function skippedSentence(s: { count: number; lines: number[]; partial?: boolean }): string {
  const scope = s.partial ? " in the rows read so far" : "";
  if (s.count === 0) return `No bad lines${scope}.`;
  const more = s.count > s.lines.length ? ", …" : "";
  return `${plural(s.count, "bad line")} skipped${scope}: ${s.lines.length === 1 ? "line" : "lines"} ${s.lines.join(", ")}${more}.`;
}

function checkName(name: string, taken: ReadonlySet<string> | undefined): string | null {
  if (name.trim() === "") return "Give the dataset a name.";
  const r = ObjectNameSchema.safeParse(name);
  if (!r.success) return `Name: ${r.error.issues[0]?.message ?? "not allowed"}.`;
  if (taken?.has(r.data)) return `A dataset named ${r.data} already exists in this project.`;
  return null;
}

/** A detected character outside the usual choices stays selectable. */
function withCurrent(list: { value: string; label: string }[], current: string) {
  return list.some((o) => o.value === current)
    ? list
    : [...list, { value: current, label: `( ${current} )` }];
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

function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? "" : "s"}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`;
}

function discard(projectId: string, uploadId: string): Promise<void> {
  return api<void>(`/projects/${projectId}/datasets/uploads/${uploadId}`, { method: "DELETE" }).catch(
    () => undefined,
  );
}
