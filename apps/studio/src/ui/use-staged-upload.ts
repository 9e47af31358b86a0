"use client";

import type { ImportOptions, ImportPreview, UploadInfo } from "@sous/contracts";
import { useEffect, useRef, useState } from "react";
import { apiCall, errorMessage } from "./api.ts";

// The upload dialog's staged file: staged once (POST .../datasets/uploads), its first preview
// coming with the options the server detected; every edit of the options re-previews it, and it
// is discarded when the dialog goes away without importing it.

const PREVIEW_DEBOUNCE_MS = 250;

export type UploadStage =
  | { kind: "uploading" }
  | { kind: "failed"; message: string }
  | { kind: "ready"; upload: UploadInfo };

export function useStagedUpload(projectId: string, file: File) {
  const [stage, setStage] = useState<UploadStage>({ kind: "uploading" });
  const [options, setOptions] = useState<ImportOptions | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const uploadId = stage.kind === "ready" ? stage.upload.id : null;
  // Set once the staged file is imported (or gone): it is then not discarded.
  const consumed = useRef(false);
  const staged = useRef<string | null>(null);

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
    apiCall("POST /projects/{projectId}/datasets/uploads", {
      params: { projectId },
      query: { fileName: file.name },
      body: file,
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
      apiCall("POST /projects/{projectId}/datasets/uploads/{uploadId}/preview", {
        params: { projectId, uploadId },
        body: { options },
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

  return { stage, uploadId, options, setOptions, preview, previewing, previewError, consumed };
}

function discard(projectId: string, uploadId: string): Promise<void> {
  return apiCall("DELETE /projects/{projectId}/datasets/uploads/{uploadId}", {
    params: { projectId, uploadId },
  }).then(
    () => undefined,
    () => undefined,
  );
}
