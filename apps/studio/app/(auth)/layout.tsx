import type { ReactNode } from "react";
import { LogoIcon } from "@/ui/icons.tsx";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main className="auth-shell">
      <div className="auth-card">
        <div className="brand">
          <span className="brand-mark">
            <LogoIcon size={18} />
          </span>
          Sous
        </div>
        {children}
      </div>
    </main>
  );
}
