"use client";

import type { ConnectionInfo, PostgresConnectionTest } from "@sous/contracts";
import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { Field, FormError, Input, Select } from "./field.tsx";
import { TrashIcon } from "./icons.tsx";
import { useFormSubmit } from "./use-form-submit.ts";

// The PostgreSQL connections "Import from…" reads through (connection-import-dialog): the ones
// granted to the project, picked, tested, and (for administrators) added, edited and deleted in
// place of the import form, one thing at a time.

/** The picker's value for "Add a connection…". */
export const NEW = "__new__";

type TestState = { state: "done"; result: PostgresConnectionTest } | { state: "failed"; message: string };

/** The project's PostgreSQL connections and what is being done with the picked one. */
export function useConnections(projectId: string) {
  const [connections, setConnections] = useState<ConnectionInfo[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [connectionId, setConnectionId] = useState<string>("");
  // Connection management happens in place of the import form, one thing at a time.
  const [managing, setManaging] = useState<"edit" | "delete" | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  // Bumped by an edit: the same connection id may now reach another server.
  const [version, setVersion] = useState(0);
  // "Test connection": what the connection's user can do, for the connection (and version) tested.
  const [test, setTest] = useState<TestState | null>(null);
  const [testing, setTesting] = useState(false);

  useEffect(() => {
    let live = true;
    apiCall("GET /projects/{projectId}/connections", { params: { projectId } })
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

  // A test answers the connection as it was: another one, or an edit, clears it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the inputs are the trigger, not read
  useEffect(() => setTest(null), [connectionId, version]);

  async function testCurrent(id: string) {
    setTesting(true);
    setTest(null);
    try {
      const result = await apiCall("POST /projects/{projectId}/connections/{connectionId}/test", {
        params: { projectId, connectionId: id },
      });
      setTest({ state: "done", result });
    } catch (e) {
      setTest({ state: "failed", message: errorMessage(e) });
    } finally {
      setTesting(false);
    }
  }

  const current = connections?.find((c) => c.id === connectionId) ?? null;

  async function deleteCurrent() {
    if (!current) return;
    setDeleting(true);
    setDeleteError(null);
    try {
      await apiCall("DELETE /connections/{connectionId}", { params: { connectionId: current.id } });
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

  return {
    connections,
    listError,
    connectionId,
    setConnectionId,
    current,
    managing,
    setManaging,
    version,
    test,
    testing,
    testCurrent,
    deleting,
    deleteError,
    setDeleteError,
    deleteCurrent,
    edited(c: ConnectionInfo) {
      setConnections((l) => (l ?? []).map((x) => (x.id === c.id ? c : x)).sort(byName));
      setVersion((v) => v + 1);
      setManaging(null);
    },
    added(c: ConnectionInfo) {
      setConnections((l) => [...(l ?? []), c].sort(byName));
      setConnectionId(c.id);
    },
  };
}

export type Connections = ReturnType<typeof useConnections>;

/** The connection picker with Test, Edit and Delete, the test's result and the delete's confirmation. */
export function ConnectionPicker({ conns, importing }: { conns: Connections; importing: boolean }) {
  const { connections, current, test } = conns;
  return (
    <>
      {conns.listError ? <FormError message={conns.listError} testId="connection-list-error" /> : null}
      {connections === null && !conns.listError ? (
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
                value={conns.connectionId}
                onChange={(e) => {
                  conns.setConnectionId(e.target.value);
                  conns.setManaging(null);
                }}
                disabled={conns.managing === "delete"}
                data-testid="connection-select"
              >
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} — {describeConnection(c)}
                  </option>
                ))}
                <option value={NEW}>Add a connection…</option>
              </Select>
              {current ? (
                <>
                  <Button
                    onClick={() => void conns.testCurrent(current.id)}
                    loading={conns.testing}
                    disabled={conns.testing || importing}
                    title="Connect as the connection's user and check it can only read"
                    data-testid="connection-test"
                  >
                    Test
                  </Button>
                  <Button
                    onClick={() => conns.setManaging("edit")}
                    disabled={conns.managing !== null || importing}
                    title="Change the connection's server, database, user or password"
                    data-testid="connection-edit"
                  >
                    Edit
                  </Button>
                  <Button
                    variant="ghost"
                    icon={<TrashIcon />}
                    onClick={() => {
                      conns.setDeleteError(null);
                      conns.setManaging("delete");
                    }}
                    disabled={conns.managing !== null || importing}
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
      {conns.managing === "delete" && current ? (
        <div
          className="conn-confirm"
          role="alertdialog"
          aria-label="Delete the connection"
          data-testid="connection-delete-confirm"
        >
          <p>
            Delete connection <strong>{current.name}</strong>? Datasets already imported from it keep their
            data, but can no longer be re-imported through it.
          </p>
          <FormError message={conns.deleteError} testId="connection-delete-error" />
          <div className="modal-actions">
            <Button
              onClick={() => conns.setManaging(null)}
              disabled={conns.deleting}
              data-testid="connection-delete-cancel"
            >
              Keep it
            </Button>
            <Button
              variant="danger"
              loading={conns.deleting}
              onClick={() => void conns.deleteCurrent()}
              data-testid="connection-delete-yes"
            >
              Delete connection
            </Button>
          </div>
        </div>
      ) : null}
    </>
  );
}

/** Adding a connection (when "Add a connection…" is picked) or editing the picked one. */
export function ManageConnection({ projectId, conns }: { projectId: string; conns: Connections }) {
  const { connections, current } = conns;
  return conns.managing === "edit" && current ? (
    <PostgresConnectionForm
      existing={current}
      canCancel
      onCancel={() => conns.setManaging(null)}
      onSaved={conns.edited}
    />
  ) : (
    <>
      {connections && connections.length > 0 ? null : (
        <p className="muted small" data-testid="connection-none">
          No PostgreSQL connection is granted to this project yet. An administrator adds one here, or grants
          an existing one under Connections.
        </p>
      )}
      <PostgresConnectionForm
        projectId={projectId}
        canCancel={(connections?.length ?? 0) > 0}
        onCancel={() => conns.setConnectionId(connections?.[0]?.id ?? NEW)}
        onSaved={conns.added}
      />
    </>
  );
}

/**
 * Host, port, database, user and a write-only password; saved with POST /connections (granted to
 * `projectId`, the project the dialog imports into), or with PATCH /connections/{id} when editing
 * `existing` (an empty password then keeps the stored one). Both are for administrators: the
 * API's refusal is shown as is.
 */
function PostgresConnectionForm({
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
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) =>
    setF({ ...f, [k]: e.target.value });
  const port = Number(f.port);
  const missing =
    f.name.trim() === "" || f.host.trim() === "" || f.database.trim() === "" || f.user.trim() === "";
  const portError = Number.isInteger(port) && port >= 1 && port <= 65535 ? null : "A port from 1 to 65535.";

  const {
    busy: saving,
    error,
    onSubmit,
  } = useFormSubmit(
    async () => {
      const fields = {
        name: f.name.trim(),
        host: f.host.trim(),
        port,
        database: f.database.trim(),
        user: f.user.trim(),
      };
      const c = existing
        ? await apiCall("PATCH /connections/{connectionId}", {
            params: { connectionId: existing.id },
            // Left out, the stored password is kept: the form never knows it.
            body: f.password ? { ...fields, password: f.password } : fields,
          })
        : await apiCall("POST /connections", {
            body: {
              kind: "postgres",
              ...fields,
              password: f.password,
              projectIds: projectId ? [projectId] : [],
            },
          });
      onSaved(c);
    },
    { afterSuccess: "ready" },
  );

  const text = (label: string, k: keyof typeof f, extra: Record<string, unknown> = {}) => (
    <Field label={label}>
      {({ id }) => <Input id={id} value={f[k]} onChange={set(k)} data-testid={`${prefix}-${k}`} {...extra} />}
    </Field>
  );

  return (
    <form className="conn-new" data-testid={prefix} onSubmit={onSubmit}>
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
export function ConnectionTestResult({
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

export const byName = (a: ConnectionInfo, b: ConnectionInfo) => a.name.localeCompare(b.name);

function describeConnection(c: ConnectionInfo): string {
  const { host, port, database, user } = c.config;
  return `${String(user ?? "")}@${String(host ?? "")}:${String(port ?? "")}/${String(database ?? "")}`;
}
