// Container entry (docker-compose.yml): apply migrations against DATABASE_URL and build the studio.
import { buildStudio, prepareDatabase } from "./lib/stack.ts";

const applied = await prepareDatabase(
  process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/sous",
);
console.log(`[sous] migrations applied: ${applied.length ? applied.join(", ") : "none"}`);
buildStudio();
process.exit(0);
