"use client";

import type { DatasetInfo, FlowNode, Recipe } from "@sous/contracts";
import { type ReactNode, useState } from "react";
import { type ApiResponse, apiCall, errorMessage } from "@/ui/api.ts";
import { StateBadge } from "@/ui/badge.tsx";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { FormError } from "@/ui/field.tsx";
import { formatCount, formatDate, plural } from "@/ui/format.ts";
import { CloseIcon, ExternalIcon, LayoutIcon, PlusIcon, TableIcon, UploadIcon } from "@/ui/icons.tsx";
import { MenuButton } from "@/ui/menu.tsx";
import { RecipeIcon } from "@/ui/recipe-icons.tsx";
import { RECIPE_KINDS, recipeKindLabel, toObjectName } from "@/ui/recipe-kinds.ts";
import { DeleteConfirm } from "./delete-confirm.tsx";
import type { DatasetImpact } from "./impact.ts";
import { RenameDeleteButtons } from "./rename-delete-buttons.tsx";
import { RenameForm } from "./rename-form.tsx";
import { SqlPreview } from "./sql-preview.tsx";

type DatasetNode = Extract<FlowNode, { type: "dataset" }>;
type RecipeNode = Extract<FlowNode, { type: "recipe" }>;

type DeleteResult = ApiResponse<"DELETE /projects/{projectId}/datasets/{datasetId}">;

const names = (ns: FlowNode[]) => ns.map((n) => n.name).join(", ");

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
  impact,
  canEdit,
  initialMode,
  onClose,
  onNewRecipe,
  onRenamed,
  onDeleted,
  children,
}: {
  projectId: string;
  node: DatasetNode;
  info: DatasetInfo | undefined;
  producer: RecipeNode | undefined;
  impact: DatasetImpact;
  canEdit: boolean;
  /** Opened from the node's menu or the keyboard: start renaming or confirming the delete. */
  initialMode?: "rename" | "delete" | null;
  onClose: () => void;
  onNewRecipe: (kind: string) => void;
  onRenamed: (d: DatasetInfo) => void;
  onDeleted: (r: DeleteResult) => void;
  /** The build section when a recipe writes this dataset. */
  children?: ReactNode;
}) {
  const built = node.state === "built";
  const [renaming, setRenaming] = useState<string | null>(
    canEdit && initialMode === "rename" ? node.name : null,
  );
  const [confirmDelete, setConfirmDelete] = useState(canEdit && initialMode === "delete");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function rename() {
    if (renaming === null) return;
    const name = renaming.trim();
    if (name === node.name) return setRenaming(null);
    setBusy(true);
    setError(null);
    try {
      const d = await apiCall("PATCH /projects/{projectId}/datasets/{datasetId}", {
        params: { projectId, datasetId: node.id },
        body: { name },
      });
      setRenaming(null);
      onRenamed(d);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      // force only when the warning listed readers: one added since is refused and named.
      const r = await apiCall("DELETE /projects/{projectId}/datasets/{datasetId}", {
        params: { projectId, datasetId: node.id },
        query: { force: impact.readers > 0 ? "true" : "false" },
      });
      onDeleted(r);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

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
          <dd>{producer ? producer.name : "An import"}</dd>
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
            <MenuButton
              variant="primary"
              icon={<PlusIcon />}
              label="New recipe"
              testId="new-recipe"
              // Not built yet: recipes on it are designed on the columns its own recipe gives it.
              header={built ? `From ${node.name}` : `From ${node.name} · not built yet`}
              items={RECIPE_KINDS.map((k) => ({
                key: k.kind,
                label: k.label,
                description: k.description,
                icon: <RecipeIcon kind={k.kind} size={16} />,
                testId: `new-recipe-${k.kind}`,
                onSelect: () => onNewRecipe(k.kind),
              }))}
            />
          ) : null}
        </div>
        {canEdit ? (
          <div className="side-actions">
            <RenameDeleteButtons
              size="sm"
              renameTestId="rename-dataset"
              deleteTestId="delete-dataset"
              onRename={() => {
                setRenaming(node.name);
                setConfirmDelete(false);
              }}
              onDelete={() => {
                setConfirmDelete(true);
                setRenaming(null);
              }}
            />
          </div>
        ) : null}
        {renaming !== null ? (
          <RenameForm
            value={renaming}
            label="New name of the dataset"
            busy={busy}
            inputTestId="dataset-rename-input"
            saveTestId="dataset-rename-save"
            onChange={setRenaming}
            onCancel={() => setRenaming(null)}
            onSave={() => void rename()}
          />
        ) : null}
        {confirmDelete ? (
          <DeleteConfirm
            label="Delete the dataset?"
            name={node.name}
            testId="dataset-delete-confirm"
            confirmLabel="Delete dataset"
            confirmTestId="dataset-delete-confirm-button"
            confirmTitle={
              impact.deleted.length ? `Also deletes ${names(impact.deleted.map((d) => d.node))}` : undefined
            }
            busy={busy}
            onConfirm={() => void remove()}
            onCancel={() => setConfirmDelete(false)}
          >
            <span>Its data and every stored version are removed. This cannot be undone.</span>
            {impact.deleted.length ? (
              <>
                <span data-testid="delete-impact-recipes">
                  Also deleted: {plural(impact.deleted.length, "recipe")}
                </span>
                <ul>
                  {impact.deleted.map((d) => (
                    <li key={d.node.id}>
                      {d.node.name}{" "}
                      <span className="muted">({d.role === "writes" ? "writes it" : "reads it"})</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {impact.stays.length ? (
              <>
                <span data-testid="delete-impact-downstream">
                  Downstream, these stay with their current data but nothing will rebuild them from{" "}
                  {node.name}:
                </span>
                <ul>
                  {impact.stays.map((n) => (
                    <li key={n.id}>
                      {n.name} <span className="muted">({n.type})</span>
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <span data-testid="delete-impact-none">
                {impact.deleted.length ? "Nothing further downstream." : "Nothing in the Flow depends on it."}
              </span>
            )}
          </DeleteConfirm>
        ) : null}
        <FormError message={error} testId="dataset-panel-error" />
      </section>
      {children}
      <section className="side-section">
        <h3>Schema{info?.schema ? ` · ${plural(info.schema.length, "column")}` : ""}</h3>
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
  downstream,
  canEdit,
  takenNames,
  initialMode,
  onClose,
  onChanged,
  onDeleted,
  children,
}: {
  /** Opened from the node's menu or the keyboard: start renaming or confirming the delete. */
  initialMode?: "rename" | "delete" | null;
  projectId: string;
  node: RecipeNode;
  recipe: Recipe | undefined;
  inputs: DatasetNode[];
  outputs: DatasetNode[];
  /** Recipes that read this recipe's outputs, directly or further down. */
  downstream: RecipeNode[];
  canEdit: boolean;
  takenNames: ReadonlySet<string>;
  onClose: () => void;
  onChanged: (r: Recipe) => void;
  onDeleted: () => void;
  children: ReactNode;
}) {
  const params = recipe?.spec.kind === "group" ? recipe.spec.params : null;
  const [renaming, setRenaming] = useState<string | null>(
    canEdit && initialMode === "rename" ? node.name : null,
  );
  const [confirmDelete, setConfirmDelete] = useState(canEdit && initialMode === "delete");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editHref = `/projects/${projectId}/recipes/${node.id}`;

  async function rename() {
    if (!recipe || renaming === null) return;
    const name = toObjectName(renaming.trim());
    if (name === recipe.name) return setRenaming(null);
    if (takenNames.has(name)) return setError(`A dataset or recipe named ${name} already exists.`);
    setBusy(true);
    setError(null);
    try {
      const r = await apiCall("PUT /projects/{projectId}/recipes/{recipeId}", {
        params: { projectId, recipeId: recipe.id },
        body: { revision: recipe.revision, name },
      });
      setRenaming(null);
      onChanged(r);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await apiCall("DELETE /projects/{projectId}/recipes/{recipeId}", {
        params: { projectId, recipeId: node.id },
      });
      onDeleted();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <Shell
      testId="recipe-panel"
      icon={
        <span className="recipe-glyph" aria-hidden="true">
          <RecipeIcon kind={node.kind} size={16} />
        </span>
      }
      kicker={`${recipeKindLabel(node.kind)} recipe`}
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
        <div className="side-actions">
          <ButtonLink href={editHref} variant="primary" icon={<ExternalIcon />} data-testid="edit-recipe">
            {canEdit ? "Edit" : "Open"}
          </ButtonLink>
          {canEdit && recipe ? (
            <RenameDeleteButtons
              renameTestId="rename-recipe"
              deleteTestId="delete-recipe"
              onRename={() => {
                setRenaming(recipe.name);
                setConfirmDelete(false);
              }}
              onDelete={() => {
                setConfirmDelete(true);
                setRenaming(null);
              }}
            />
          ) : null}
        </div>
        {renaming !== null ? (
          <RenameForm
            value={renaming}
            label="New name of the recipe"
            busy={busy}
            inputTestId="rename-input"
            saveTestId="rename-save"
            onChange={setRenaming}
            onCancel={() => setRenaming(null)}
            onSave={() => void rename()}
          />
        ) : null}
        {confirmDelete ? (
          <DeleteConfirm
            label="Delete the recipe?"
            name={node.name}
            testId="delete-confirm"
            confirmLabel="Delete recipe"
            confirmTestId="delete-confirm-button"
            busy={busy}
            onConfirm={() => void remove()}
            onCancel={() => setConfirmDelete(false)}
          >
            <span>
              {outputs.length
                ? `${outputs.map((o) => o.name).join(", ")} stays, with its current data, but nothing will rebuild it.`
                : "It writes no dataset."}
            </span>
            {downstream.length ? (
              <>
                <span data-testid="delete-downstream">
                  {downstream.length === 1
                    ? "1 recipe downstream reads"
                    : `${downstream.length} recipes downstream read`}{" "}
                  data this recipe builds:
                </span>
                <ul>
                  {downstream.map((r) => (
                    <li key={r.id}>{r.name}</li>
                  ))}
                </ul>
              </>
            ) : (
              <span>No recipe downstream depends on it.</span>
            )}
          </DeleteConfirm>
        ) : null}
        <FormError message={error} testId="recipe-panel-error" />
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
          <li>Right-click a node to rename or delete it (or F2, Delete).</li>
          <li>Ctrl+Z undoes Arrange and moves.</li>
        </ul>
      </section>
      {canEdit ? (
        <section className="side-section">
          <h3>Add data</h3>
          <p className="muted">
            Upload a CSV, TSV, Parquet, JSON or Excel file, or drop one anywhere on the canvas.
          </p>
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
              Arrange
            </Button>
          </div>
        </section>
      ) : null}
    </Shell>
  );
}
