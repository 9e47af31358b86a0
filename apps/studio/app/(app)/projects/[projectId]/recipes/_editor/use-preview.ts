"use client";

import { useEffect, useRef, useState } from "react";
import type { RecipePreview } from "@/shared/api/recipe-preview-schemas.ts";
import { type ApiBody, ApiError, apiCall, errorMessage } from "@/ui/api.ts";

export interface PreviewState {
  data: RecipePreview | null;
  /** The last request's error; `data` keeps the last good answer so nothing jumps. */
  error: { message: string; code: string; details?: Record<string, unknown> | undefined } | null;
  loading: boolean;
}

const DEBOUNCE_MS = 250;

type PreviewSpec = ApiBody<"POST /projects/{projectId}/recipes/preview">["spec"];

/** The draft's output on the inputs' sample, asked again shortly after each edit (older answers are dropped). */
export function usePreview(
  projectId: string,
  draft: { inputs: string[]; spec: unknown; output?: number } | null,
  limit = 200,
  /** Wait after the last edit (the prepare editor asks sooner: its goal is 300 ms edit-to-table). */
  debounceMs = DEBOUNCE_MS,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: draft !== null });
  const key = draft ? JSON.stringify(draft) : "";
  const draftRef = useRef(draft);
  draftRef.current = draft;

  useEffect(() => {
    const d = draftRef.current;
    if (!key || !d) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const t = window.setTimeout(async () => {
      try {
        const data = await apiCall("POST /projects/{projectId}/recipes/preview", {
          params: { projectId },
          // The editor's draft spec is not checked in the browser: the server validates it, and its
          // refusal (with the step and field) is the preview's error.
          body: { ...d, spec: d.spec as PreviewSpec, limit },
          signal: ctrl.signal,
        });
        if (!ctrl.signal.aborted) setState({ data, error: null, loading: false });
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setState((s) => ({
          data: s.data,
          error: {
            message: errorMessage(e),
            code: e instanceof ApiError ? e.code : "error",
            details: e instanceof ApiError ? e.details : undefined,
          },
          loading: false,
        }));
      }
    }, debounceMs);
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [key, projectId, limit, debounceMs]);

  return state;
}
