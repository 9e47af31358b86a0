import Link from "next/link";
import type { ReactNode } from "react";
import { LogoIcon } from "@/ui/icons.tsx";
import { requireUser } from "../_lib/session.ts";
import { SignOutButton } from "./_components/sign-out-button.tsx";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() || "?";
}

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Sous, all projects">
          <span className="brand-mark">
            <LogoIcon size={18} />
          </span>
          Sous
        </Link>
        <nav className="crumbs" aria-label="Main">
          <span className="sep">/</span>
          <Link href="/" data-testid="nav-projects">
            Projects
          </Link>
        </nav>
        <div className="topbar-spacer" />
        {user.role === "ADMIN" ? (
          <>
            <Link href="/admin/users" className="user-chip" data-testid="admin-users-link">
              Users
            </Link>
            <Link href="/admin/connections" className="user-chip" data-testid="admin-connections-link">
              Connections
            </Link>
            <Link href="/admin/databricks" className="user-chip" data-testid="admin-databricks-link">
              Databricks
            </Link>
          </>
        ) : null}
        <Link href="/account" className="user-chip" data-testid="account-link" title="Account and API keys">
          <span className="avatar" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span data-testid="current-user">{user.name}</span>
        </Link>
        <SignOutButton />
      </header>
      {children}
    </>
  );
}
