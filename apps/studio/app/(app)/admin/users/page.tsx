import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listUsers } from "@/server/services/users.ts";
import { requireUser } from "../../../_lib/session.ts";
import { UsersAdmin } from "./users-admin.tsx";
import "./users.css";

export const metadata: Metadata = { title: "Users · Admin · Sous" };

export default async function UsersAdminPage() {
  const user = await requireUser();
  // Same answer as an unknown page: non-admins need not learn that the settings exist.
  if (user.role !== "ADMIN") notFound();
  const users = await listUsers();
  return (
    <main className="page">
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p>
            Everyone who can sign in to Sous. Create an account here, then add it to a project from the
            project&apos;s Members page. A disabled account keeps its projects and history but cannot sign in,
            and its API keys stop working until it is enabled again.
          </p>
        </div>
      </div>
      <UsersAdmin initialUsers={users} currentUserId={user.id} />
    </main>
  );
}
