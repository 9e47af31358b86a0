"use client";

import type { MyDatabricksTokenSchema } from "@sous/contracts";
import { useState } from "react";
import type { z } from "zod";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { FormError, Input } from "@/ui/field.tsx";
import { Panel } from "@/ui/panel.tsx";

type Row = z.infer<typeof MyDatabricksTokenSchema>;

/** The user's own tokens for per-user Databricks connections: write-only, last 4 shown. */
export function DatabricksTokens({ initial }: { initial: Row[] }) {
  const [rows, setRows] = useState(initial);
  const perUser = rows.filter((r) => r.isolation === "per-user");
  if (perUser.length === 0) return null;
  const update = (id: string, patch: Partial<Row>) =>
    setRows((rs) => rs.map((r) => (r.connectionId === id ? { ...r, ...patch } : r)));
  return (
    <Panel title="Databricks tokens">
      <p className="muted">
        These workspaces run your jobs under your own personal access token. It is encrypted at rest and never
        shown again.
      </p>
      <ul className="key-list">
        {perUser.map((r) => (
          <TokenRow
            key={r.connectionId}
            row={r}
            onSaved={(last4) => update(r.connectionId, { set: true, last4 })}
          />
        ))}
      </ul>
    </Panel>
  );
}

function TokenRow({ row, onSaved }: { row: Row; onSaved: (last4: string) => void }) {
  const [token, setToken] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <li className="key-item" data-testid={`my-dbx-token-${row.connectionName}`}>
      <div className="key-main">
        <div className="key-name">{row.connectionName}</div>
        <div className="key-meta" data-testid="my-dbx-token-state">
          {row.set
            ? `token set · ends with ${row.last4}`
            : "no token yet: your jobs on this workspace cannot run"}
        </div>
        <FormError message={error} />
      </div>
      <Input
        aria-label={`Token for ${row.connectionName}`}
        type="password"
        autoComplete="off"
        value={token}
        onChange={(e) => setToken(e.target.value)}
      />
      <Button
        size="sm"
        loading={busy}
        disabled={token.length === 0}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await apiCall("PUT /me/databricks-token/{connectionId}", {
              params: { connectionId: row.connectionId },
              body: { token },
            });
            onSaved(token.slice(-4));
            setToken("");
          } catch (e) {
            setError(errorMessage(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        Save
      </Button>
    </li>
  );
}
