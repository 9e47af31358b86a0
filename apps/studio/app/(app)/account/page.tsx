import type { Metadata } from "next";
import { listApiKeys } from "@/server/services/api-keys.ts";
import { requireUser } from "../../_lib/session.ts";
import { ApiKeys } from "./api-keys.tsx";

export const metadata: Metadata = { title: "Account · Sous" };

export default async function AccountPage() {
  const user = await requireUser();
  const keys = await listApiKeys(user.id);
  return (
    <main className="page" style={{ maxWidth: 800 }}>
      <div className="page-header">
        <div>
          <h1>Account</h1>
          <p>
            Signed in as <strong>{user.name}</strong> ({user.email}),{" "}
            {user.role === "ADMIN" ? "administrator" : "user"}.
          </p>
        </div>
      </div>
      <ApiKeys initialKeys={keys} />
    </main>
  );
}
