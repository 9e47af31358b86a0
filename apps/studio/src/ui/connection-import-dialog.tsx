"use client";

import {
  type ConnectionInfo,
  type CsvOptions,
  type DatasetInfo,
  type FolderImportOptions,
  ObjectNameSchema,
  type PostgresConnectionTest,
} from "@sous/contracts";
import { useEffect, useRef, useState } from "react";
import { api, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { ConnectionTablePicker } from "./connection-table-picker.tsx";
import { Checkbox, Field, FormError, Input, Select, Textarea } from "./field.tsx";
import { TableIcon, TrashIcon } from "./icons.tsx";
import { DELIMITERS } from "./import-dialog.tsx";
import { ModalDialog, ModalFoot } from "./modal-dialog.tsx";
import { toObjectName } from "./recipe-kinds.ts";
import "./import-dialog.css"; // its two-column .import-row
import "./connection-import-dialog.css";

// "Import from…" on the Flow: a PostgreSQL table or query (through a stored connection granted to
// the project; administrators add one here, granted to this project, and edit or delete it; its
// password is write-only) or a folder of CSV / Parquet files under imports/ in the project's
// storage becomes a new dataset (POST .../datasets/import). The table field lists the
// connection's tables to pick from.

type Tab = "postgres" | "blob";
const NEW = "__new__";
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

export function ConnectionImportDialog({
  projectId,
  takenNames,
  onClose,
  onImported,
}: ConnectionImportDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [tab, setTab] = useState<Tab>("postgres");
  const [connections, setConnections] = useState<ConnectionInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [connectionId, setConnectionId] = useState<string>("");
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
  const [importing, setImporting] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  // Connection management happens in place of the import form, one thing at a time.
  const [managing, setManaging] = useState<"edit" | "delete" | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // Bumped by an edit: the same connection id may now reach another server.
  const [connectionVersion, setConnectionVersion] = useState(0);
  // "Test connection": what the connection's user can do, for the connection (and version) tested.
  const [test, setTest] = useState<
    { state: "done"; result: PostgresConnectionTest } | { state: "failed"; message: string } | null
  >(null);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    let live = true;
    api<ConnectionInfo[]>(`/projects/${projectId}/connections`)
      .then((list) => {
        if (!live) return;
        const pg = list.filter((c) => c.kind === "postgres");
        setConnections(pg);
        setConnectionId(pg[0]?.id ?? NEW);
      })
      .catch((e) => {
        if (live) setListError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [projectId]);

  // The name follows the table or folder until the user types one.
  const suggested =
    tab === "postgres"
      ? mode === "table" && table.trim()
        ? free(toObjectName(table.trim().split(".").pop() ?? ""), takenNames)
        : ""
      : folder.replace(/\/+$/, "").split("/").pop() && folder.trim() !== "imports/"
        ? free(toObjectName(folder.replace(/\/+$/, "").split("/").pop() ?? ""), takenNames)
        : "";
  const effectiveName = nameEdited ? name : suggested;

  // An error answers the source it was given: any edit clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the inputs are the trigger, not read
  useEffect(() => setImportError(null), [tab, connectionId, mode, table, query, folder, format, csvChoices]);

  function close() {
    dialog.current?.close();
    onClose();
  }

  // A test answers the connection as it was: another one, or an edit, clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the inputs are the trigger, not read
  useEffect(() => setTest(null), [connectionId, connectionVersion]);

  async function testCurrent(id: string) {
    setTesting(true);
    setTest(null);
    try {
      const result = await api<PostgresConnectionTest>(`/projects/${projectId}/connections/${id}/test`, {
        method: "POST",
      });
      setTest({ state: "done", result });
    } catch (e) {
      setTest({ state: "failed", message: errorMessage(e) });
    } finally {
      setTesting(false);
    }
  }

  const adding = tab === "postgres" && connectionId === NEW;
  const current = connections?.find((c) => c.id === connectionId) ?? null;
  const editing = tab === "postgres" && managing === "edit" && current !== null;

  async function deleteCurrent() {
    if (!current) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await api(`/connections/${current.id}`, { method: "DELETE" });
      const rest = (connections ?? []).filter((c) => c.id !== current.id);
      setConnections(rest);
      setConnectionId(rest[0]?.id ?? NEW);
      setManaging(null);
    } catch (e) {
      setDeleteError(errorMessage(e));
    } finally {
      setDeleting(false);
    }
  }
  const nameError = checkName(effectiveName, takenNames);
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
    setImporting(true);
    setImportError(null);
    const source =
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
    try {
      const ds = await api<DatasetInfo>(`/projects/${projectId}/datasets/import`, {
        method: "POST",
        json: { name: effectiveName.trim(), source },
      });
      dialog.current?.close();
      onImported(ds);
    } catch (e) {
      setImportError(errorMessage(e));
    } finally {
      setImporting(false);
    }
  }

  return (
    <ModalDialog
      ref={dialog}
      title="Import a dataset from…"
      subtitle="The data is copied into a new dataset of this project."
      busy={importing}
      onClose={close}
      testId="connection-import-dialog"
      className="conn-import-dialog"
      closeLabel="Close without importing"
      focusSelf
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

      {editing && current ? (
        <div className="modal-body">
          <ConnectionForm
            existing={current}
            canCancel
            onCancel={() => setManaging(null)}
            onSaved={(c) => {
              setConnections((l) => (l ?? []).map((x) => (x.id === c.id ? c : x)).sort(byName));
              setConnectionVersion((v) => v + 1);
              setManaging(null);
            }}
          />
        </div>
      ) : adding ? (
        <div className="modal-body">
          {connections && connections.length > 0 ? null : (
            <p className="muted small" data-testid="connection-none">
              No PostgreSQL connection is granted to this project yet. An administrator adds one here, or
              grants an existing one under Connections.
            </p>
          )}
          <ConnectionForm
            projectId={projectId}
            canCancel={(connections?.length ?? 0) > 0}
            onCancel={() => setConnectionId(connections?.[0]?.id ?? NEW)}
            onSaved={(c) => {
              setConnections((l) => [...(l ?? []), c].sort(byName));
              setConnectionId(c.id);
            }}
          />
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
                {listError ? <FormError message={listError} testId="connection-list-error" /> : null}
                {connections === null && !listError ? (
                  <div className="muted small" role="status">
                    <span className="spinner spinner-sm" aria-hidden="true" /> Loading connections…
                  </div>
                ) : null}
                {connections ? (
                  <Field label="Connection">
                    {({ id }) => (
                      <div className="conn-select-row">
                        <Select
                          id={id}
                          value={connectionId}
                          onChange={(e) => {
                            setConnectionId(e.target.value);
                            setManaging(null);
                          }}
                          disabled={managing === "delete"}
                          data-testid="connection-select"
                        >
                          {connections.map((c) => (
                            <option key={c.id} value={c.id}>
                              {c.name} — {describe(c)}
                            </option>
                          ))}
                          <option value={NEW}>Add a connection…</option>
                        </Select>
                        {current ? (
                          <>
                            <Button
                              onClick={() => void testCurrent(current.id)}
                              loading={testing}
                              disabled={testing || importing}
                              title="Connect as the connection's user and check it can only read"
                              data-testid="connection-test"
                            >
                              Test
                            </Button>
                            <Button
                              onClick={() => setManaging("edit")}
                              disabled={managing !== null || importing}
                              title="Change the connection's server, database, user or password"
                              data-testid="connection-edit"
                            >
                              Edit
                            </Button>
                            <Button
                              variant="ghost"
                              icon={<TrashIcon />}
                              onClick={() => {
                                setDeleteError(null);
                                setManaging("delete");
                              }}
                              disabled={managing !== null || importing}
                              aria-label={`Delete connection ${current.name}`}
                              title="Delete this connection"
                              data-testid="connection-delete"
                            />
                          </>
                        ) : null}
                      </div>
                    )}
                  </Field>
                ) : null}
                {test ? <ConnectionTestResult test={test} /> : null}
                {managing === "delete" && current ? (
                  <div
                    className="conn-confirm"
                    role="alertdialog"
                    aria-label="Delete the connection"
                    data-testid="connection-delete-confirm"
                  >
                    <p>
                      Delete connection <strong>{current.name}</strong>? Datasets already imported from it
                      keep their data, but can no longer be re-imported through it.
                    </p>
                    <FormError message={deleteError} testId="connection-delete-error" />
                    <div className="modal-actions">
                      <Button
                        onClick={() => setManaging(null)}
                        disabled={deleting}
                        data-testid="connection-delete-cancel"
                      >
                        Keep it
                      </Button>
                      <Button
                        variant="danger"
                        loading={deleting}
                        onClick={() => void deleteCurrent()}
                        data-testid="connection-delete-yes"
                      >
                        Delete connection
                      </Button>
                    </div>
                  </div>
                ) : null}
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
                          key={`${current.id}:${connectionVersion}`}
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
            <Field label="Dataset name" error={effectiveName === "" ? null : nameError}>
              {({ id, describedBy, invalid }) => (
                <Input
                  id={id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  value={effectiveName}
                  maxLength={128}
                  onChange={(e) => {
                    setNameEdited(true);
                    setName(e.target.value);
                  }}
                  data-testid="connection-import-name"
                />
              )}
            </Field>
          </div>
          <ModalFoot
            error={importError}
            errorTestId="connection-import-error"
            busy={importing}
            onCancel={close}
            cancelTestId="connection-import-cancel"
          >
            <Button
              type="submit"
              variant="primary"
              loading={importing}
              disabled={!canImport}
              title={sourceError ?? nameError ?? undefined}
              data-testid="connection-import-submit"
            >
              Import
            </Button>
          </ModalFoot>
        </form>
      )}
    </ModalDialog>
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
            <Select
              id={id}
              value={choices.delimiter}
              onChange={(e) => onChange({ delimiter: e.target.value })}
              data-testid="blob-delimiter"
            >
              <option value={AUTO}>Detect</option>
              {DELIMITERS.map((d) => (
                <option key={d.label} value={d.value}>
                  {d.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <Checkbox
        label="Skip bad lines"
        title="Leave out lines with the wrong number of fields or a value that does not fit its column's type, and count them"
        checked={choices.skipBadLines}
        onChange={(e) => onChange({ skipBadLines: e.target.checked })}
        data-testid="blob-skip-bad"
      />
      <p className="muted small">
        Detected on the first file unless chosen; a trailing delimiter (<code>a|b|</code>) is detected too.
      </p>
    </>
  );
}

/**
 * Host, port, database, user and a write-only password; saved with POST /connections (granted to
 * `projectId`, the project the dialog imports into), or with PATCH /connections/{id} when editing
 * `existing` (an empty password then keeps the stored one). Both are for administrators: the
 * API's refusal is shown as is.
 */
function ConnectionForm({
  projectId,
  existing,
  canCancel,
  onCancel,
  onSaved,
}: {
  projectId?: string;
  existing?: ConnectionInfo;
  canCancel: boolean;
  onCancel: () => void;
  onSaved: (c: ConnectionInfo) => void;
}) {
  const cfg = existing?.config ?? {};
  const [f, setF] = useState({
    name: existing?.name ?? "",
    host: String(cfg.host ?? ""),
    port: String(cfg.port ?? "5432"),
    database: String(cfg.database ?? ""),
    user: String(cfg.user ?? ""),
    password: "",
  });
  const prefix = existing ? "edit-connection" : "new-connection";
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const port = Number(f.port);
  const missing =
    f.name.trim() === "" || f.host.trim() === "" || f.database.trim() === "" || f.user.trim() === "";
  const portError = Number.isInteger(port) && port >= 1 && port <= 65535 ? null : "A port from 1 to 65535.";

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const fields = {
        name: f.name.trim(),
        host: f.host.trim(),
        port,
        database: f.database.trim(),
        user: f.user.trim(),
      };
      const c = existing
        ? await api<ConnectionInfo>(`/connections/${existing.id}`, {
            method: "PATCH",
            // Left out, the stored password is kept: the form never knows it.
            json: f.password ? { ...fields, password: f.password } : fields,
          })
        : await api<ConnectionInfo>("/connections", {
            method: "POST",
            json: {
              kind: "postgres",
              ...fields,
              password: f.password,
              projectIds: projectId ? [projectId] : [],
            },
          });
      onSaved(c);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  const text = (label: string, k: keyof typeof f, extra: Record<string, unknown> = {}) => (
    <Field label={label}>
      {({ id }) => <Input id={id} value={f[k]} onChange={set(k)} data-testid={`${prefix}-${k}`} {...extra} />}
    </Field>
  );

  return (
    <form
      className="conn-new"
      data-testid={prefix}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 className="conn-new-title">
        {existing ? `Edit connection ${existing.name}` : "New PostgreSQL connection"}
      </h3>
      {text("Name", "name", { placeholder: "Warehouse", maxLength: 128 })}
      <div className="conn-host-row">
        {text("Host", "host", { placeholder: "db.example.com", autoComplete: "off" })}
        <Field label="Port" error={portError}>
          {({ id, describedBy, invalid }) => (
            <Input
              id={id}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              inputMode="numeric"
              value={f.port}
              onChange={set("port")}
              data-testid={`${prefix}-port`}
            />
          )}
        </Field>
      </div>
      <div className="import-row">
        {text("Database", "database", { autoComplete: "off" })}
        {text("User", "user", { autoComplete: "off" })}
      </div>
      <Field
        label="Password"
        hint={
          existing
            ? existing.hasSecret
              ? "Leave empty to keep the stored password; a new one replaces it."
              : "None is stored; type one to add it."
            : "Stored encrypted and never shown again; leave empty for none."
        }
      >
        {({ id, describedBy }) => (
          <Input
            id={id}
            aria-describedby={describedBy}
            type="password"
            autoComplete="new-password"
            value={f.password}
            placeholder={existing?.hasSecret ? "••••••••  (unchanged)" : undefined}
            onChange={set("password")}
            data-testid={`${prefix}-password`}
          />
        )}
      </Field>
      <FormError message={error} testId={`${prefix}-error`} />
      <div className="modal-actions">
        {canCancel ? (
          <Button onClick={onCancel} disabled={saving} data-testid={`${prefix}-cancel`}>
            Back
          </Button>
        ) : null}
        <Button
          type="submit"
          variant="primary"
          loading={saving}
          disabled={saving || missing || portError !== null}
          data-testid={`${prefix}-save`}
        >
          {existing ? "Save changes" : "Save connection"}
        </Button>
      </div>
    </form>
  );
}

/** What "Test connection" found: who Sous connects as, and warnings when that role can write. */
function ConnectionTestResult({
  test,
}: {
  test: { state: "done"; result: PostgresConnectionTest } | { state: "failed"; message: string };
}) {
  if (test.state === "failed") return <FormError message={test.message} testId="connection-test-error" />;
  const r = test.result;
  const facts = `Connected as ${r.user} to PostgreSQL ${r.serverVersion}; ${r.readableTables} ${r.readableTables === 1 ? "table or view" : "tables and views"} readable${r.readOnlyByDefault ? ", sessions read-only by default" : ""}.`;
  return r.canWrite ? (
    <div className="conn-test conn-test-warning" role="alert" data-testid="connection-test-warning">
      <p>{facts}</p>
      <p>
        <strong>This user can write to the database.</strong>
      </p>
      <ul>
        {r.warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  ) : (
    <p className="conn-test conn-test-ok" role="status" data-testid="connection-test-ok">
      {facts} The user can only read.
    </p>
  );
}

const byName = (a: ConnectionInfo, b: ConnectionInfo) => a.name.localeCompare(b.name);

function describe(c: ConnectionInfo): string {
  const { host, port, database, user } = c.config;
  return `${String(user ?? "")}@${String(host ?? "")}:${String(port ?? "")}/${String(database ?? "")}`;
}

function free(base: string, taken: ReadonlySet<string> | undefined): string {
  if (!taken?.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

function checkName(name: string, taken: ReadonlySet<string> | undefined): string | null {
  if (name.trim() === "") return "Give the dataset a name.";
  const r = ObjectNameSchema.safeParse(name);
  if (!r.success) return `Name: ${r.error.issues[0]?.message ?? "not allowed"}.`;
  if (taken?.has(r.data)) return `A dataset named ${r.data} already exists in this project.`;
  return null;
}
