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

/**
 * The draft's output on the inputs' sample, asked again after each edit (older answers are
 * dropped). An edit after a quiet spell (no edit for `debounceMs`: a click, a pick in a list)
 * asks at once; edits that follow one closer than that (typing) wait until they pause, so a burst
 * sends its first edit and its last one, never one request per keystroke.
 */
export function usePreview(
  projectId: string,
  draft: { inputs: string[]; spec: unknown; output?: number } | null,
  limit = 200,
  /** Wait after the last edit (the prepare editor asks sooner: its goal is 150 ms edit-to-table). */
  debounceMs = DEBOUNCE_MS,
  /**
   * false: even an edit after a quiet spell waits `debounceMs` (a preview nobody looks at yet,
   * which must not slow down the one the table shows). Read when an edit happens: changing it
   * asks nothing again.
   */
  leading = true,
  /**
   * true: asks nothing yet (a preview that must wait for another, e.g. the whole script's while
   * a step's table loads); when it turns false, the draft is asked at once.
   */
  hold = false,
): PreviewState {
  const [state, setState] = useState<PreviewState>({ data: null, error: null, loading: draft !== null });
  const key = draft ? JSON.stringify(draft) : "";
  const draftRef = useRef(draft);
  draftRef.current = draft;
  /** When the draft last changed (performance.now()); -Infinity before the first. */
  const lastEdit = useRef(Number.NEGATIVE_INFINITY);
  /** The draft last asked (or held): a rerun for the same one is not an edit. */
  const lastKey = useRef("");
  /** The request whose answer (or error) `state` holds: a rerun after a hold asks it only once. */
  const answered = useRef("");
  const timing = useRef({ debounceMs, leading });
  timing.current = { debounceMs, leading };

  useEffect(() => {
    const d = draftRef.current;
    if (!key || !d) {
      lastKey.current = "";
      answered.current = "";
      setState({ data: null, error: null, loading: false });
      return;
    }
    const asked = `${projectId}\n${limit}\n${key}`;
    const edited = key !== lastKey.current;
    lastKey.current = key;
    // A hold that came and went without an edit: the answer shown is the draft's already.
    if (!edited && answered.current === asked) {
      setState((s) => (s.loading ? { ...s, loading: false } : s));
      return;
    }
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const now = performance.now();
    const { debounceMs: wait, leading: asap } = timing.current;
    // The debounce was 60 ms of the prepare editor's edit-to-table time on every single edit.
    const quiet = !edited || (asap && now - lastEdit.current >= wait);
    if (edited) lastEdit.current = now;
    if (hold) return;
    const t = window.setTimeout(
      async () => {
        try {
          const data = await apiCall("POST /projects/{projectId}/recipes/preview", {
            params: { projectId },
            // The editor's draft spec is not checked in the browser: the server validates it, and its
            // refusal (with the step and field) is the preview's error.
            body: { ...d, spec: d.spec as PreviewSpec, limit },
            signal: ctrl.signal,
          });
          if (ctrl.signal.aborted) return;
          answered.current = asked;
          setState({ data, error: null, loading: false });
        } catch (e) {
          if (ctrl.signal.aborted) return;
          answered.current = asked;
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
      },
      quiet ? 0 : wait,
    );
    return () => {
      window.clearTimeout(t);
      ctrl.abort();
    };
  }, [key, projectId, limit, hold]);

  return state;
}
