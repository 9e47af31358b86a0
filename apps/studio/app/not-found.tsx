import { ButtonLink } from "@/ui/button.tsx";
import { LogoIcon } from "@/ui/icons.tsx";
import { EmptyState } from "@/ui/panel.tsx";

export default function NotFound() {
  return (
    <main className="auth-shell">
      <div className="auth-card">
        <EmptyState
          icon={<LogoIcon size={24} />}
          title="Not found"
          testId="not-found"
          action={<ButtonLink href="/">All projects</ButtonLink>}
        >
          This page does not exist, or it belongs to a project you are not a member of.
        </EmptyState>
      </div>
    </main>
  );
}
