import "server-only";
import { parseServerEnv, type ServerEnv } from "@sous/config";
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** Settings only the studio reads (documented in .env.example next to the shared ones). */
const StudioEnvSchema = z.object({
  /**
   * A staged upload (a file uploaded for the import dialog, not imported yet) is deleted this many
   * hours after it was uploaded; an import of it then answers 404. Fractions allowed.
   */
  SOUS_UPLOAD_TTL_HOURS: z.preprocess(emptyAsUndefined, z.coerce.number().positive().default(24)),
  /**
   * A Python notebook's kernel unused this many minutes is shut down, and its user's jupyter-server
   * once it has no kernel left. Fractions allowed.
   */
  SOUS_NOTEBOOK_IDLE_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().positive().default(60)),
  /** Where the studio reaches the API node (its counters, the test form). */
  SOUS_API_NODE_URL: z.preprocess(emptyAsUndefined, z.string().url().default("http://localhost:3100")),
  /** The API node's address as callers see it (shown on the API services page); SOUS_API_NODE_URL when unset. */
  SOUS_API_NODE_PUBLIC_URL: z.preprocess(emptyAsUndefined, z.string().url().optional()),
});
export type StudioEnv = ServerEnv & z.infer<typeof StudioEnvSchema>;

let parsed: StudioEnv | undefined;

/** The studio's environment, parsed once (on first use, since Next imports modules at build time too). */
export function env(): StudioEnv {
  if (parsed) return parsed;
  const server = parseServerEnv(process.env);
  const r = StudioEnvSchema.safeParse(process.env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee .env.example for every variable.`);
  }
  parsed = { ...server, ...r.data };
  return parsed;
}
