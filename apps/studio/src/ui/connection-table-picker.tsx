"use client";

import type { ConnectionTable, ConnectionTables } from "@sous/contracts";
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { apiCall, errorMessage } from "./api.ts";
import { Button } from "./button.tsx";
import { Input } from "./field.tsx";
import { formatRows } from "./format.ts";
import "./connection-table-picker.css";

// The table field of "Import from…": a text input that also filters the tables the connection can
// read (GET /projects/{projectId}/connections/{id}/tables: the connection must be granted to the
// project being imported into). Typing a name the list does not show still works: the
// listing only helps, the import itself reads whatever name is in the field.

export interface ConnectionTablePickerProps {
  /** The project imported into: the listing goes through its grant of the connection. */
  projectId: string;
  connectionId: string;
  value: string;
  onChange: (table: string) => void;
  /** The input's id and description, from the enclosing Field. */
  id?: string;
  describedBy?: string;
}

type Listing =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; data: ConnectionTables };

const qualified = (t: ConnectionTable) => `${t.schema}.${t.name}`;
const rowsFormat = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function ConnectionTablePicker({
  projectId,
  connectionId,
  value,
  onChange,
  id,
  describedBy,
}: ConnectionTablePickerProps) {
  const [listing, setListing] = useState<Listing>({ state: "loading" });
  const [reload, setReload] = useState(0);
  const [active, setActive] = useState(-1);
  const listRef = useRef<HTMLDivElement>(null);
  const listId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload is the retry trigger, not read
  useEffect(() => {
    let live = true;
    setListing({ state: "loading" });
    apiCall("GET /projects/{projectId}/connections/{connectionId}/tables", {
      params: { projectId, connectionId },
    })
      .then((data) => {
        if (live) setListing({ state: "ready", data });
      })
      .catch((e) => {
        if (live) setListing({ state: "error", message: errorMessage(e) });
      });
    return () => {
      live = false;
    };
  }, [projectId, connectionId, reload]);

  const tables = listing.state === "ready" ? listing.data.tables : [];
  const typed = value.trim().toLowerCase();
  // A picked table keeps the whole list in view (marked), so another one is one click away.
  const picked = tables.findIndex((t) => qualified(t).toLowerCase() === typed);
  const shown = useMemo(() => {
    if (picked >= 0 || typed === "") return tables;
    return tables.filter((t) => qualified(t).toLowerCase().includes(typed));
  }, [tables, typed, picked]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter starts from the top
  useEffect(() => setActive(-1), [typed, connectionId]);

  useEffect(() => {
    const target = active >= 0 ? shown[active] : picked >= 0 ? tables[picked] : undefined;
    if (!target) return;
    const el = listRef.current?.querySelector(`[data-table="${CSS.escape(qualified(target))}"]`);
    el?.scrollIntoView?.({ block: "nearest" });
  }, [active, picked, shown, tables]);

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (shown.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + shown.length) % shown.length);
    } else if (e.key === "Enter" && active >= 0) {
      // Enter on a highlighted table picks it instead of submitting the import.
      const t = shown[active];
      if (t && qualified(t) !== value) {
        e.preventDefault();
        onChange(qualified(t));
      }
    } else if (e.key === "Escape" && active >= 0) {
      e.preventDefault();
      e.stopPropagation();
      setActive(-1);
    }
  }

  const activeTable = active >= 0 ? shown[active] : undefined;

  return (
    <div className="table-picker" data-testid="connection-table-picker">
      <Input
        id={id}
        aria-describedby={describedBy}
        role="combobox"
        aria-expanded={listing.state === "ready"}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeTable ? optionId(listId, activeTable) : undefined}
        value={value}
        placeholder="Search the tables, or type schema.table"
        maxLength={256}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="connection-table"
      />
      <div className="table-picker-box">
        {listing.state === "loading" ? (
          <div className="table-picker-note" role="status" data-testid="connection-tables-loading">
            <span className="spinner spinner-sm" aria-hidden="true" /> Reading the tables of this connection…
          </div>
        ) : listing.state === "error" ? (
          <div className="table-picker-error" role="alert">
            <span data-testid="connection-tables-error">{listing.message}</span>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setReload((n) => n + 1)}
              data-testid="connection-tables-retry"
            >
              Retry
            </Button>
          </div>
        ) : (
          <>
            <div className="table-picker-list" role="listbox" id={listId} ref={listRef} aria-label="Tables">
              {shown.map((t, i) => {
                const name = qualified(t);
                const selected = picked >= 0 && i === picked;
                return (
                  <div
                    key={name}
                    id={optionId(listId, t)}
                    role="option"
                    tabIndex={-1}
                    aria-selected={selected}
                    className={[
                      "table-picker-option",
                      selected ? "selected" : "",
                      i === active ? "active" : "",
                    ]
                      .filter(Boolean)
                      .join(" ")}
                    data-table={name}
                    data-testid="connection-table-option"
                    // mousedown keeps the focus in the input, so typing can go on after a click
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => onChange(name)}
                    onKeyDown={(e) => {
                      if (e.key === "Enter" || e.key === " ") onChange(name);
                    }}
                  >
                    <span className="table-picker-name" title={name}>
                      <span className="table-picker-schema">{t.schema}.</span>
                      {t.name}
                    </span>
                    <span className={`table-picker-kind kind-${t.kind}`}>{t.kind}</span>
                    <span
                      className="table-picker-rows"
                      title={
                        t.estimatedRows === null
                          ? "No estimate (a view, or a table Postgres has not analyzed)"
                          : `About ${formatRows(t.estimatedRows)} (Postgres' estimate)`
                      }
                    >
                      {t.estimatedRows === null ? "—" : `~${rowsFormat.format(t.estimatedRows)}`}
                    </span>
                  </div>
                );
              })}
              {shown.length === 0 ? (
                <div className="table-picker-note" data-testid="connection-tables-empty">
                  {tables.length === 0
                    ? "This connection's user cannot read any table or view."
                    : "No table matches: the import reads the name as typed."}
                </div>
              ) : null}
            </div>
            <div className="table-picker-foot muted small" data-testid="connection-tables-count">
              {listing.data.truncated
                ? `The first ${tables.length.toLocaleString("en-US")} tables by name; type any other as schema.table.`
                : typed && picked < 0
                  ? `${shown.length} of ${tables.length} ${tables.length === 1 ? "table" : "tables"}`
                  : `${tables.length} ${tables.length === 1 ? "table" : "tables"} and views · rows are Postgres' estimates`}
            </div>
          </>
        )}
      </div>
    </div>
  );
}

function optionId(listId: string, t: ConnectionTable): string {
  return `${listId}-${encodeURIComponent(qualified(t)).replace(/%/g, "_")}`;
}
