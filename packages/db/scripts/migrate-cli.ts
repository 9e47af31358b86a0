// pnpm db:migrate [name]   apply migrations; with a name, first create one from schema changes
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDatabase, migrateDatabase } from "../src/migrate.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sous";
await ensureDatabase(databaseUrl);
const r = await migrateDatabase({
  databaseUrl,
  schemaPath: path.join(root, "prisma/schema.prisma"),
  migrationsDir: path.join(root, "prisma/migrations"),
  createName: process.argv[2],
});
console.log(JSON.stringify(r));
process.exit(0);
