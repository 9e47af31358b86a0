import type { Metadata } from "next";
import type { ReactNode } from "react";
import "@xyflow/react/dist/style.css";
import "./globals.css";
import { ToastProvider } from "@/ui/toast.tsx";
import { ZodJitless } from "@/ui/zod-jitless.tsx";

// Every page reads the session or the database at request time; never prerender at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Sous", description: "Visual data science, self-hosted" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <ZodJitless />
        <ToastProvider>{children}</ToastProvider>
      </body>
    </html>
  );
}
