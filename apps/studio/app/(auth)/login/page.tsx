import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { needsSetup } from "@/server/services/setup-admin.ts";
import { currentUser } from "../../_lib/session.ts";
import { LoginForm } from "./login-form.tsx";

export const metadata: Metadata = { title: "Sign in · Sous" };

/** Only same-site paths, so ?next= cannot send a user to another origin. */
function safeNext(next: string | string[] | undefined): string {
  return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (await needsSetup()) redirect("/setup");
  const next = safeNext((await searchParams).next);
  if (await currentUser()) redirect(next);
  return (
    <>
      <h1>Sign in</h1>
      <p className="lead">Use the account an administrator created for you.</p>
      <LoginForm next={next} />
    </>
  );
}
