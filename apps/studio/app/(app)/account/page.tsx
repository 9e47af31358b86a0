import type { Metadata } from "next";
import { listApiKeys } from "@/server/services/api-keys.ts";
import { listMyTokens } from "@/server/services/databricks-tokens.ts";
import { requireUser } from "../../_lib/session.ts";
import { ApiKeys } from "./api-keys.tsx";
import { DatabricksTokens } from "./databricks-tokens.tsx";

export const metadata: Metadata = { title: "Account · Sous" };

export default async function AccountPage() {
  const user = await requireUser();
  const [keys, dbxTokens] = await Promise.all([listApiKeys(user.id), listMyTokens(user.id)]);
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
      <div style={{ marginTop: 24 }}>
        <DatabricksTokens initial={dbxTokens} />
      </div>
    </main>
  );
}
