import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { needsSetup } from "@/server/services/setup-admin.ts";
import { SetupForm } from "./setup-form.tsx";

export const metadata: Metadata = { title: "Set up Sous" };

export default async function SetupPage() {
  // Setup exists only until the first administrator does.
  if (!(await needsSetup())) redirect("/login");
  return (
    <>
      <h1>Welcome to Sous</h1>
      <p className="lead">
        Create the administrator account. You will use it to sign in, to create accounts for others (Users, in
        the top bar) and to add them to projects (a project&apos;s Members page).
      </p>
      <SetupForm />
    </>
  );
}
