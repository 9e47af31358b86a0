"use client";

import type { CsvOptions, DatasetInfo, FolderImportOptions, ImportSource } from "@sous/contracts";
import { useEffect, useState } from "react";
import { Button } from "./button.tsx";
import { ConnectionTablePicker } from "./connection-table-picker.tsx";
import { Field, Input, Select, Textarea } from "./field.tsx";
import { TableIcon } from "./icons.tsx";
import {
  checkDatasetName,
  DatasetNameField,
  DelimiterSelect,
  freeDatasetName,
  ImportDialogFrame,
  ImportFoot,
  postImport,
  SkipBadLinesCheckbox,
  useImportRun,
} from "./import-dialog-core.tsx";
import { ConnectionPicker, ManageConnection, NEW, useConnections } from "./postgres-connections.tsx";
import { toObjectName } from "./recipe-kinds.ts";
import "./import-dialog.css"; // its two-column .import-row
import "./connection-import-dialog.css";

// "Import from…" on the Flow: a PostgreSQL table or query (through a stored connection granted to
// the project; administrators add one here, granted to this project, and edit or delete it; its
// password is write-only) or a folder of CSV / Parquet files under imports/ in the project's
// storage becomes a new dataset (POST .../datasets/import). The table field lists the
// connection's tables to pick from. The name, the footer and the import itself are
// import-dialog-core's; picking, testing, adding, editing and deleting a connection,
// postgres-connections'.

type Tab = "postgres" | "blob";
/** A CSV option the user left to detection on the folder's first file: it is not sent. */
const AUTO = "auto";

/** The folder's CSV choices; each "auto" one is left out of the request, so the server detects it. */
interface FolderCsvChoices {
  header: typeof AUTO | "yes" | "no";
  delimiter: string; // AUTO or one of DELIMITERS
  skipBadLines: boolean;
}

/** The request's `options` for a CSV folder: only what the user chose; none at all when all is auto. */
function folderCsvOptions(c: FolderCsvChoices): FolderImportOptions | undefined {
  const csv: Partial<CsvOptions> = {};
  if (c.header !== AUTO) csv.header = c.header === "yes";
  if (c.delimiter !== AUTO) csv.delimiter = c.delimiter;
  if (c.skipBadLines) csv.skipBadLines = true;
  return Object.keys(csv).length ? { format: "csv", csv } : undefined;
}

export interface ConnectionImportDialogProps {
  projectId: string;
  /** Names already used in the project: checked before asking the server. */
  takenNames?: ReadonlySet<string>;
  onClose: () => void;
  onImported: (dataset: DatasetInfo) => void;
}

/** The toolbar button and the dialog it opens: the one piece the Flow mounts. */
export function ConnectionImportButton(props: Omit<ConnectionImportDialogProps, "onClose">) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<TableIcon />} onClick={() => setOpen(true)} data-testid="connection-import-button">
        Import from…
      </Button>
      {open ? (
        <ConnectionImportDialog
          {...props}
          onClose={() => setOpen(false)}
          onImported={(ds) => {
            setOpen(false);
            props.onImported(ds);
          }}
        />
      ) : null}
    </>
  );
}

function ConnectionImportDialog({ projectId, takenNames, onClose, onImported }: ConnectionImportDialogProps) {
  const run = useImportRun(onClose, onImported);
  const { importing, setImportError } = run;
  const [tab, setTab] = useState<Tab>("postgres");
  const conns = useConnections(projectId);
  const { connectionId, current } = conns;
  const [mode, setMode] = useState<"table" | "query">("table");
  const [table, setTable] = useState("");
  const [query, setQuery] = useState("");
  const [folder, setFolder] = useState("imports/");
  const [format, setFormat] = useState<"csv" | "parquet">("csv");
  const [csvChoices, setCsvChoices] = useState<FolderCsvChoices>({
    header: AUTO,
    delimiter: AUTO,
    skipBadLines: false,
  });
  const [name, setName] = useState("");
  const [nameEdited, setNameEdited] = useState(false);
  // The name follows the table or folder until the user types one.
  const suggested =
    tab === "postgres"
      ? mode === "table" && table.trim()
        ? freeDatasetName(toObjectName(table.trim().split(".").pop() ?? ""), takenNames)
        : ""
      : folder.replace(/\/+$/, "").split("/").pop() && folder.trim() !== "imports/"
        ? freeDatasetName(toObjectName(folder.replace(/\/+$/, "").split("/").pop() ?? ""), takenNames)
        : "";
  const effectiveName = nameEdited ? name : suggested;

  // An error answers the source it was given: any edit clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the inputs are the trigger, not read
  useEffect(() => setImportError(null), [tab, connectionId, mode, table, query, folder, format, csvChoices]);

  const adding = tab === "postgres" && connectionId === NEW;
  const editing = tab === "postgres" && conns.managing === "edit" && current !== null;

  const nameError = checkDatasetName(effectiveName, takenNames);
  const sourceError =
    tab === "postgres"
      ? adding || !connectionId
        ? "Add or pick a connection first."
        : mode === "table"
          ? table.trim() === ""
            ? "Name the table (schema.table or table)."
            : null
          : query.trim() === ""
            ? "Write the SELECT to import."
            : null
      : folder.trim() === ""
        ? "Name the folder under imports/."
        : null;
  const canImport = !importing && !nameError && !sourceError;

  async function submit() {
    if (!canImport) return;
    const source: ImportSource =
      tab === "postgres"
        ? {
            kind: "postgres",
            connectionId,
            ...(mode === "table" ? { table: table.trim() } : { query: query.trim() }),
          }
        : (() => {
            const options = format === "csv" ? folderCsvOptions(csvChoices) : undefined;
            return { kind: "blob", folder: folder.trim(), format, ...(options ? { options } : {}) };
          })();
    await run.run(() => postImport(projectId, { name: effectiveName.trim(), source }));
  }

  return (
    <ImportDialogFrame
      run={run}
      title="Import a dataset from…"
      subtitle="The data is copied into a new dataset of this project."
      testId="connection-import-dialog"
      className="conn-import-dialog"
    >
      <div className="conn-tabs" role="tablist">
        {(
          [
            ["postgres", "PostgreSQL"],
            ["blob", "Blob folder"],
          ] as const
        ).map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? "conn-tab active" : "conn-tab"}
            onClick={() => {
              setTab(t);
              setImportError(null);
            }}
            disabled={importing}
            data-testid={`connection-import-tab-${t}`}
          >
            {label}
          </button>
        ))}
      </div>

      {editing || adding ? (
        <div className="modal-body">
          <ManageConnection projectId={projectId} conns={conns} />
        </div>
      ) : (
        <form
          className="modal-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div className="modal-body">
            {tab === "postgres" ? (
              <>
                <ConnectionPicker conns={conns} importing={importing} />
                <fieldset className="conn-mode">
                  <legend className="field-label">Read</legend>
                  <label className="checkbox">
                    <input
                      type="radio"
                      name="conn-mode"
                      checked={mode === "table"}
                      onChange={() => setMode("table")}
                      data-testid="connection-mode-table"
                    />
                    <span>A table</span>
                  </label>
                  <label className="checkbox">
                    <input
                      type="radio"
                      name="conn-mode"
                      checked={mode === "query"}
                      onChange={() => setMode("query")}
                      data-testid="connection-mode-query"
                    />
                    <span>A SQL query</span>
                  </label>
                </fieldset>
                {mode === "table" ? (
                  <Field
                    label="Table"
                    hint="Pick one, or type schema.table (a bare name is looked up in public)"
                  >
                    {({ id, describedBy }) =>
                      current ? (
                        <ConnectionTablePicker
                          key={`${current.id}:${conns.version}`}
                          projectId={projectId}
                          id={id}
                          describedBy={describedBy}
                          connectionId={current.id}
                          value={table}
                          onChange={setTable}
                        />
                      ) : (
                        <Input
                          id={id}
                          aria-describedby={describedBy}
                          value={table}
                          placeholder="public.orders"
                          maxLength={256}
                          onChange={(e) => setTable(e.target.value)}
                          data-testid="connection-table"
                        />
                      )
                    }
                  </Field>
                ) : (
                  <Field label="Query" hint="One SELECT statement; its result becomes the dataset">
                    {({ id, describedBy }) => (
                      <Textarea
                        id={id}
                        aria-describedby={describedBy}
                        value={query}
                        rows={5}
                        className="conn-query"
                        placeholder="select * from orders where paid"
                        onChange={(e) => setQuery(e.target.value)}
                        data-testid="connection-query"
                      />
                    )}
                  </Field>
                )}
              </>
            ) : (
              <>
                <p className="muted small">
                  Files already in the project storage (the Blob container, or the local storage folder),
                  under <code>imports/</code>. Every file of the format in the folder, at any depth, is read.
                </p>
                <div className="import-row conn-row-wide">
                  <Field label="Folder">
                    {({ id }) => (
                      <Input
                        id={id}
                        value={folder}
                        placeholder="imports/sales/2024/"
                        maxLength={1024}
                        onChange={(e) => setFolder(e.target.value)}
                        data-testid="blob-folder"
                      />
                    )}
                  </Field>
                  <Field label="Format">
                    {({ id }) => (
                      <Select
                        id={id}
                        value={format}
                        onChange={(e) => setFormat(e.target.value as "csv" | "parquet")}
                        data-testid="blob-format"
                      >
                        <option value="csv">CSV</option>
                        <option value="parquet">Parquet</option>
                      </Select>
                    )}
                  </Field>
                </div>
                {format === "csv" ? (
                  <FolderCsvFields
                    choices={csvChoices}
                    onChange={(p) => setCsvChoices({ ...csvChoices, ...p })}
                  />
                ) : null}
              </>
            )}
            <DatasetNameField
              value={effectiveName}
              onChange={(n) => {
                setNameEdited(true);
                setName(n);
              }}
              error={effectiveName === "" ? null : nameError}
              testId="connection-import-name"
            />
          </div>
          <ImportFoot
            run={run}
            canImport={canImport}
            title={sourceError ?? nameError ?? undefined}
            testIds="connection-import"
          />
        </form>
      )}
    </ImportDialogFrame>
  );
}

/**
 * The upload dialog's main CSV choices for a folder, each with "Detect" (sent as nothing, so it is
 * detected on the first file): a folder has no preview to show the detected values in.
 */
function FolderCsvFields({
  choices,
  onChange,
}: {
  choices: FolderCsvChoices;
  onChange: (patch: Partial<FolderCsvChoices>) => void;
}) {
  return (
    <>
      <div className="import-row">
        <Field label="Header">
          {({ id }) => (
            <Select
              id={id}
              value={choices.header}
              onChange={(e) => onChange({ header: e.target.value as FolderCsvChoices["header"] })}
              data-testid="blob-header"
            >
              <option value={AUTO}>Detect</option>
              <option value="yes">First line holds the column names</option>
              <option value="no">No header (col_1, col_2…)</option>
            </Select>
          )}
        </Field>
        <Field label="Delimiter">
          {({ id }) => (
            <DelimiterSelect
              id={id}
              value={choices.delimiter}
              onChange={(delimiter) => onChange({ delimiter })}
              first={{ value: AUTO, label: "Detect" }}
              testId="blob-delimiter"
            />
          )}
        </Field>
      </div>
      <SkipBadLinesCheckbox
        checked={choices.skipBadLines}
        onChange={(skipBadLines) => onChange({ skipBadLines })}
        testId="blob-skip-bad"
      />
      <p className="muted small">
        Detected on the first file unless chosen; a trailing delimiter (<code>a|b|</code>) is detected too.
      </p>
    </>
  );
}
