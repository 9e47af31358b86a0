"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "./button.tsx";
import { ModalDialog } from "./modal-dialog.tsx";

// Next's app router has no "route change start" event to cancel, so leaving is caught where it
// starts: a reload or a closed tab through beforeunload; a click on an in-app link in the
// capture phase, before Next's <Link> sees it; the browser's Back through a history entry pushed
// on top of the page, whose popstate (the page's own URL again) asks instead of leaving.

const GUARD_KEY = "__sousLeaveGuard";

type Pending = { kind: "link"; href: string } | { kind: "back" };

/** The link a click would follow in this tab, or null (new tab, download, another site, same page). */
function inAppTarget(e: MouseEvent): string | null {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return null;
  const a = (e.target as Element | null)?.closest?.("a[href]");
  if (!(a instanceof HTMLAnchorElement)) return null;
  if ((a.target && a.target !== "_self") || a.hasAttribute("download")) return null;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return null;
  // Same page (a hash, the current URL): nothing is lost.
  if (url.pathname === window.location.pathname && url.search === window.location.search) return null;
  return url.pathname + url.search + url.hash;
}

export function LeaveGuard({
  when,
  title = "Leave without saving?",
  message = "Your changes are not saved and will be lost.",
}: {
  /** Whether leaving would lose something now. */
  when: boolean;
  title?: string;
  message?: string;
}) {
  const router = useRouter();
  const [pending, setPending] = useState<Pending | null>(null);
  const leaving = useRef(false);
  // Whether the guard entry is the current one. Next rewrites the current entry's state on every
  // render of its router, so this is remembered here rather than read from history.state.
  const onGuard = useRef(false);
  const pushGuard = useCallback(() => {
    window.history.pushState(
      { ...(window.history.state ?? {}), [GUARD_KEY]: true },
      "",
      window.location.href,
    );
    onGuard.current = true;
  }, []);

  useEffect(() => {
    if (!when) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (leaving.current) return;
      e.preventDefault();
      // Older Chromium shows the prompt only with a returnValue set.
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      if (leaving.current) return;
      const href = inAppTarget(e);
      if (!href) return;
      e.preventDefault();
      e.stopPropagation();
      setPending({ kind: "link", href });
    };
    // The guard entry: the same URL and Next's own state, so Back lands on this page unchanged.
    if (!onGuard.current) pushGuard();
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("click", onClick, true);
    return () => {
      window.removeEventListener("beforeunload", onBeforeUnload);
      document.removeEventListener("click", onClick, true);
    };
  }, [when, pushGuard]);

  // Back from the guard entry lands on the page's own entry (same URL): ask while there is
  // something to lose; once saved, take the step the user meant and leave. (Stepping off the
  // entry right at saving would race the router.replace that follows creating a recipe.)
  const whenRef = useRef(when);
  whenRef.current = when;
  useEffect(() => {
    const onPopState = (e: PopStateEvent) => {
      if (leaving.current || !onGuard.current) return;
      if ((e.state as Record<string, unknown> | null)?.[GUARD_KEY]) return; // Forward onto the guard
      onGuard.current = false;
      if (whenRef.current) setPending({ kind: "back" });
      else window.history.back();
    };
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, []);

  function stay() {
    // Back already left the guard entry: put it back so the next Back asks again.
    if (pending?.kind === "back") pushGuard();
    setPending(null);
  }

  function leave() {
    const p = pending;
    leaving.current = true;
    setPending(null);
    if (p?.kind === "link") router.push(p.href);
    // The guard entry is already behind us: one more Back leaves the page.
    else window.history.back();
  }

  if (!pending) return null;
  return (
    <ModalDialog
      title={title}
      busy={false}
      onClose={stay}
      testId="leave-dialog"
      closeLabel="Stay on this page"
    >
      <div className="modal-body">
        <p>{message}</p>
      </div>
      <div className="modal-foot">
        <div className="modal-actions">
          <Button onClick={stay} data-testid="leave-stay" data-autofocus>
            Stay
          </Button>
          <Button variant="danger" onClick={leave} data-testid="leave-confirm">
            Leave without saving
          </Button>
        </div>
      </div>
    </ModalDialog>
  );
}
