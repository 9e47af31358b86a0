"use client";

import { Button } from "@/ui/button.tsx";
import { CloseIcon } from "@/ui/icons.tsx";

/** Why the last save failed (bad input, a taken name, a running job). */
export function SaveErrorBanner({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <div className="editor-banner form-error" role="alert" data-testid="save-error">
      <span>{message}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon size={14} />
      </button>
    </div>
  );
}

/** Someone else saved the recipe since this draft was loaded: take theirs, or overwrite it. */
export function ConflictBanner({
  message,
  onReload,
  onOverwrite,
}: {
  message: string;
  onReload: () => void;
  onOverwrite: () => void;
}) {
  return (
    <div className="editor-banner conflict-banner" role="alert" data-testid="conflict-banner">
      <span>
        <strong>Not saved: someone else changed this recipe.</strong> {message}
      </span>
      <Button size="sm" onClick={onReload} data-testid="conflict-reload">
        Load their version
      </Button>
      <Button size="sm" variant="danger" onClick={onOverwrite} data-testid="conflict-overwrite">
        Overwrite with mine
      </Button>
    </div>
  );
}
