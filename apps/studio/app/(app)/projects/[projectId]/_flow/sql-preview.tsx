"use client";

import { useEffect, useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";

type Dialect = "spark" | "duckdb";
const LABEL: Record<Dialect, string> = { spark: "SparkSQL", duckdb: "DuckDB" };

/**
 * The SQL a recipe compiles to, per engine. Visual recipes stay visual, but the SQL is never
 * hidden: users check what will run on Databricks before they pay for a cluster.
 */
export function SqlPreview({ projectId, recipeId }: { projectId: string; recipeId: string }) {
  const [open, setOpen] = useState(false);
  const [dialect, setDialect] = useState<Dialect>("spark");
  const [sql, setSql] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    setSql(null);
    setError(null);
    apiCall("GET /projects/{projectId}/recipes/{recipeId}/compile", {
      params: { projectId, recipeId },
      query: { engine: dialect },
    })
      .then((r) => live && setSql(sqlOf(r)))
      .catch((e) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [open, dialect, projectId, recipeId]);

  if (!open) {
    return (
      <div>
        <Button
          size="sm"
          variant="ghost"
          className="btn-inline"
          onClick={() => setOpen(true)}
          data-testid="show-sql"
        >
          Show the SQL it compiles to
        </Button>
      </div>
    );
  }
  return (
    <div className="sql-preview" data-testid="sql-preview">
      <div className="segmented" role="tablist" aria-label="SQL dialect">
        {(Object.keys(LABEL) as Dialect[]).map((d) => (
          <button
            key={d}
            type="button"
            role="tab"
            aria-selected={dialect === d}
            className="segmented-item"
            onClick={() => setDialect(d)}
          >
            {LABEL[d]}
          </button>
        ))}
        <button type="button" className="segmented-close" onClick={() => setOpen(false)}>
          Hide
        </button>
      </div>
      {error ? (
        <FormError message={error} />
      ) : (
        <pre className="sql-code" aria-busy={sql === null}>
          {sql ?? "Compiling…"}
        </pre>
      )}
    </div>
  );
}

/** The compiled SQL of a compile answer (the route declares no output schema, so check it). */
function sqlOf(answer: unknown): string {
  if (typeof answer === "object" && answer !== null && "sql" in answer && typeof answer.sql === "string")
    return answer.sql;
  throw new Error("The server's compile answer has no SQL.");
}
