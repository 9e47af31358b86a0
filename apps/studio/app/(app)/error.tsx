"use client";

import { Button, ButtonLink } from "@/ui/button.tsx";
import { EmptyState } from "@/ui/panel.tsx";

// A page that failed to load keeps the top bar, says so, and offers a way on.
export default function AppError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="page">
      <EmptyState
        title="This page could not be loaded"
        testId="page-error"
        action={
          <div className="side-actions">
            <Button variant="primary" onClick={reset}>
              Try again
            </Button>
            <ButtonLink href="/">All projects</ButtonLink>
          </div>
        }
      >
        {error.digest ? `The server logged it as ${error.digest}.` : error.message}
      </EmptyState>
    </main>
  );
}
