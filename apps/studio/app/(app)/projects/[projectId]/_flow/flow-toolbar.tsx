"use client";

import type { DatasetInfo, FlowNode } from "@sous/contracts";
import type { RefObject } from "react";
import { Button, ButtonLink } from "@/ui/button.tsx";
import { ConnectionImportButton } from "@/ui/connection-import-dialog.tsx";
import {
  CloseIcon,
  ExternalIcon,
  JobsIcon,
  LabIcon,
  LayoutIcon,
  NotebookIcon,
  UploadIcon,
  UsersIcon,
} from "@/ui/icons.tsx";
import { useHydrated } from "@/ui/use-hydrated.ts";
import { FlowSearch } from "./flow-search.tsx";

/** The bar above the canvas: the project's name, search, Arrange, its pages, and the imports. */
export function FlowToolbar({
  projectId,
  projectName,
  projectKey,
  canEdit,
  nodes,
  takenNames,
  uploadError,
  onDismissUploadError,
  onPickNode,
  onArrange,
  fileInput,
  onFile,
  onPickFile,
  onImported,
}: {
  projectId: string;
  projectName: string;
  projectKey: string;
  canEdit: boolean;
  nodes: FlowNode[];
  takenNames: ReadonlySet<string>;
  uploadError: string | null;
  onDismissUploadError: () => void;
  onPickNode: (id: string) => void;
  onArrange: () => void;
  fileInput: RefObject<HTMLInputElement | null>;
  onFile: (file: File) => void;
  onPickFile: () => void;
  onImported: (ds: DatasetInfo) => void;
}) {
  const hydrated = useHydrated();
  return (
    <div className="flow-toolbar">
      <h1 data-testid="project-title">{projectName}</h1>
      <span className="project-tag">{projectKey}</span>
      {uploadError ? (
        <div className="form-error toolbar-error" role="alert" data-testid="upload-error">
          <span>{uploadError}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismissUploadError}>
            <CloseIcon size={14} />
          </button>
        </div>
      ) : null}
      <FlowSearch nodes={nodes} onPick={onPickNode} />
      <Button
        variant="ghost"
        icon={<LayoutIcon />}
        onClick={onArrange}
        disabled={nodes.length === 0}
        title="Lay the whole Flow out left to right (Ctrl+Z puts it back)"
        data-testid="auto-layout"
      >
        Arrange
      </Button>
      <ButtonLink
        href={`/projects/${projectId}/lab`}
        variant="ghost"
        icon={<LabIcon />}
        title="Train models on a dataset without code, compare them and deploy the best"
        data-testid="project-lab-link"
      >
        Lab
      </ButtonLink>
      <ButtonLink
        href={`/projects/${projectId}/jobs`}
        variant="ghost"
        icon={<JobsIcon />}
        title="Every build of this project: progress, logs, engines and timings"
        data-testid="project-jobs-link"
      >
        Jobs
      </ButtonLink>
      <ButtonLink
        href={`/projects/${projectId}/notebooks`}
        variant="ghost"
        icon={<NotebookIcon />}
        title="SQL notebooks over the project's datasets, run on the local engine"
        data-testid="project-notebooks-link"
      >
        Notebooks
      </ButtonLink>
      <ButtonLink
        href={`/projects/${projectId}/members`}
        variant="ghost"
        icon={<UsersIcon />}
        title="Who can open this project, and their roles"
        data-testid="project-members-link"
      >
        Members
      </ButtonLink>
      <ButtonLink
        href={`/projects/${projectId}/api-services`}
        variant="ghost"
        icon={<ExternalIcon />}
        title="Saved models served as a REST API by the API node: keys, versions, traffic split, counters"
        data-testid="project-api-services-link"
      >
        API services
      </ButtonLink>
      {canEdit ? (
        <>
          {/* Rendered once hydrated: a file chosen before React listens would be ignored. */}
          {hydrated ? (
            <input
              ref={fileInput}
              type="file"
              accept=".csv,.tsv,.txt,.parquet,.json,.ndjson,.jsonl,.xlsx,text/csv"
              className="sr-only"
              id="upload-input"
              data-testid="upload-input"
              aria-label="Import a file (CSV, TSV, Parquet, JSON, Excel) as a new dataset"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) onFile(f);
              }}
              tabIndex={-1}
            />
          ) : null}
          <Button variant="primary" icon={<UploadIcon />} onClick={onPickFile} data-testid="upload-button">
            Upload dataset
          </Button>
          <ConnectionImportButton projectId={projectId} takenNames={takenNames} onImported={onImported} />
        </>
      ) : null}
    </div>
  );
}
