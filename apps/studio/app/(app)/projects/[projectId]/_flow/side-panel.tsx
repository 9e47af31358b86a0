"use client";

import type { DatasetInfo, FlowNode, Recipe } from "@sous/contracts";
import type { ReactNode } from "react";
import { StateBadge } from "@/ui/badge.tsx";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { formatCount, formatDate } from "@/ui/format.ts";
import { CloseIcon, ExternalIcon, LayoutIcon, PlusIcon, TableIcon, UploadIcon } from "@/ui/icons.tsx";
import { recipeGlyph } from "./flow-nodes.tsx";
import { SqlPreview } from "./sql-preview.tsx";

type DatasetNode = Extract<FlowNode, { type: "dataset" }>;
type RecipeNode = Extract<FlowNode, { type: "recipe" }>;

function Shell({
  icon,
  kicker,
  title,
  onClose,
  children,
  testId,
}: {
  icon: ReactNode;
  kicker: string;
  title: string;
  onClose?: () => void;
  children: ReactNode;
  testId: string;
}) {
  return (
    <aside className="side-panel" aria-label={`${kicker}: ${title}`} data-testid={testId}>
      <div className="side-head">
        {icon}
        <div className="side-title">
          <div className="kicker">{kicker}</div>
          <h2 title={title}>{title}</h2>
        </div>
        {onClose ? (
          <button
            type="button"
            className="icon-btn"
            aria-label="Close panel"
            onClick={onClose}
            data-testid="close-panel"
          >
            <CloseIcon />
          </button>
        ) : null}
      </div>
      <div className="side-scroll">{children}</div>
    </aside>
  );
}

function SchemaList({ schema }: { schema: DatasetInfo["schema"] }) {
  if (!schema) return <p className="muted">Columns are known once the dataset is built.</p>;
  if (schema.length === 0) return <p className="muted">No columns.</p>;
  return (
    <ul className="schema-list" data-testid="schema-list">
      {schema.map((c) => (
        <li key={c.name}>
          <span className="col-name" title={c.name}>
            {c.name}
          </span>
          <span className="col-type">{c.type}</span>
        </li>
      ))}
    </ul>
  );
}

export function DatasetPanel({
  projectId,
  node,
  info,
  producer,
  canEdit,
  onClose,
  onNewGroup,
  children,
}: {
  projectId: string;
  node: DatasetNode;
  info: DatasetInfo | undefined;
  producer: RecipeNode | undefined;
  canEdit: boolean;
  onClose: () => void;
  onNewGroup: () => void;
  /** The build section when a recipe writes this dataset. */
  children?: ReactNode;
}) {
  const built = node.state === "built";
  return (
    <Shell
      testId="dataset-panel"
      icon={
        <span className="node-icon">
          <TableIcon size={18} />
        </span>
      }
      kicker="Dataset"
      title={node.name}
      onClose={onClose}
    >
      <section className="side-section">
        <dl className="facts">
          <dt>State</dt>
          <dd>
            <StateBadge state={node.state} />
          </dd>
          <dt>Rows</dt>
          <dd data-testid="panel-row-count">{built ? formatCount(node.rowCount) : "—"}</dd>
          <dt>Made by</dt>
          <dd>{producer ? producer.name : "Upload"}</dd>
          {info?.currentVersion ? (
            <>
              <dt>Updated</dt>
              <dd>{formatDate(info.currentVersion.createdAt)}</dd>
            </>
          ) : null}
        </dl>
        <div className="side-actions">
          <ButtonLink
            href={`/projects/${projectId}/datasets/${node.id}`}
            icon={<ExternalIcon />}
            data-testid="open-dataset"
          >
            Open
          </ButtonLink>
          {canEdit ? (
            <Button variant="primary" icon={<PlusIcon />} onClick={onNewGroup} data-testid="new-group-recipe">
              New Group recipe
            </Button>
          ) : null}
        </div>
      </section>
      {children}
      <section className="side-section">
        <h3>Schema{info?.schema ? ` · ${info.schema.length} columns` : ""}</h3>
        <SchemaList schema={info?.schema ?? null} />
      </section>
    </Shell>
  );
}

const FN_LABEL: Record<string, string> = { countDistinct: "count distinct", avg: "average" };

export function RecipePanel({
  projectId,
  node,
  recipe,
  inputs,
  outputs,
  onClose,
  children,
}: {
  projectId: string;
  node: RecipeNode;
  recipe: Recipe | undefined;
  inputs: DatasetNode[];
  outputs: DatasetNode[];
  onClose: () => void;
  children: ReactNode;
}) {
  const params = recipe?.spec.kind === "group" ? recipe.spec.params : null;
  return (
    <Shell
      testId="recipe-panel"
      icon={
        <span className="recipe-glyph" aria-hidden="true">
          {recipeGlyph(node.kind)}
        </span>
      }
      kicker={`${node.kind} recipe`}
      title={node.name}
      onClose={onClose}
    >
      <section className="side-section">
        <h3>Inputs → outputs</h3>
        <div className="io-line">
          {inputs.map((d) => (
            <span key={d.id} className="io-chip">
              <TableIcon size={14} />
              {d.name}
            </span>
          ))}
          <span aria-hidden="true">→</span>
          {outputs.map((d) => (
            <span key={d.id} className="io-chip">
              <TableIcon size={14} />
              {d.name}
            </span>
          ))}
        </div>
      </section>
      {children}
      {params ? (
        <section className="side-section">
          <h3>Settings</h3>
          <dl className="facts">
            <dt>Group by</dt>
            <dd title={params.keys.join(", ")}>
              {params.keys.length ? params.keys.join(", ") : "— (one row)"}
            </dd>
            <dt>Count</dt>
            <dd>{params.globalCount ? "rows per group" : "no"}</dd>
          </dl>
          {params.aggregations.length ? (
            <ul className="schema-list">
              {params.aggregations.map((a) => (
                <li key={`${a.column}-${a.fn}-${a.as ?? ""}`}>
                  <span className="col-name">
                    {FN_LABEL[a.fn] ?? a.fn}({a.column})
                  </span>
                  <span className="col-type">{a.as ?? `${a.column}_${a.fn}`}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
      <section className="side-section">
        <h3>Engine</h3>
        <p className="muted">
          Runs on <strong>{node.engine}</strong> (DuckDB on the Sous worker).
        </p>
        {recipe ? (
          <SqlPreview
            // A new revision compiles differently: start over.
            key={`${recipe.id}@${recipe.revision}`}
            projectId={projectId}
            recipeId={recipe.id}
          />
        ) : null}
      </section>
    </Shell>
  );
}

export function OverviewPanel({
  datasets,
  recipes,
  canEdit,
  onUpload,
  onAutoLayout,
}: {
  datasets: number;
  recipes: number;
  canEdit: boolean;
  onUpload: () => void;
  onAutoLayout: () => void;
}) {
  return (
    <Shell
      testId="overview-panel"
      icon={
        <span className="node-icon">
          <LayoutIcon size={18} />
        </span>
      }
      kicker="Flow"
      title={`${datasets} ${datasets === 1 ? "dataset" : "datasets"}, ${recipes} ${recipes === 1 ? "recipe" : "recipes"}`}
    >
      <section className="side-section">
        <h3>Getting around</h3>
        <ul className="muted" style={{ margin: 0, paddingLeft: 18, display: "grid", gap: 4 }}>
          <li>Select a dataset to see its schema and to add a recipe.</li>
          <li>Select a recipe to run it and build its output.</li>
          <li>Drag nodes where you want them: Sous remembers.</li>
          <li>Double-click a built dataset to open its rows.</li>
        </ul>
      </section>
      {canEdit ? (
        <section className="side-section">
          <h3>Add data</h3>
          <p className="muted">Upload a CSV file, or drop one anywhere on the canvas.</p>
          <div className="side-actions">
            <Button icon={<UploadIcon />} onClick={onUpload}>
              Upload dataset
            </Button>
            <Button
              variant="ghost"
              icon={<LayoutIcon />}
              onClick={onAutoLayout}
              disabled={datasets + recipes === 0}
            >
              Auto layout
            </Button>
          </div>
        </section>
      ) : null}
    </Shell>
  );
}
