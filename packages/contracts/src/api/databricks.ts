import { z } from "zod";
import { nulFreeString } from "../recipes/common.ts";
import { IdSchema, IsoDateSchema, ObjectNameSchema } from "./common.ts";

// Databricks settings (admin), per-user tokens, and the engine a project or recipe runs on.
// Secrets (tokens, Blob credentials) are write-only: bodies accept them, no output carries them.

/** Where a recipe runs: the local DuckDB engine, or a Databricks connection + compute profile. */
export const EngineChoiceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("local") }).strict(),
  z.object({ kind: z.literal("databricks"), connectionId: IdSchema, profileId: IdSchema }).strict(),
]);
export type EngineChoice = z.infer<typeof EngineChoiceSchema>;

export const IsolationSchema = z
  .enum(["service", "per-user"])
  .describe("service: one token for every job; per-user: each user's own token (stored encrypted)");

const WorkspaceUrlSchema = z
  .string()
  .trim()
  .url("not a URL")
  .refine((u) => /^https?:\/\//.test(u), "use https://adb-<id>.<n>.azuredatabricks.net")
  .transform((u) => u.replace(/\/+$/, ""));

/** A secret as typed in a form: trimmed, bounded, no whitespace inside. */
const SecretInputSchema = z
  .string()
  .trim()
  .min(8, "looks too short")
  .max(4096)
  .regex(/^\S+$/, "must not contain spaces");

export const MountStorageInputSchema = z.discriminatedUnion("kind", [
  z
    .object({ kind: z.literal("installation") })
    .strict()
    .describe("The workspace mounts the container (or folder) Sous already stores datasets in"),
  z
    .object({
      kind: z.literal("azure-blob"),
      container: z
        .string()
        .trim()
        .regex(/^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/, "not a valid container name"),
      blobPrefix: nulFreeString().trim().max(512).default(""),
      connectionString: SecretInputSchema.optional().describe("Write-only; omit to keep the stored one"),
    })
    .strict(),
]);

export const CreateDatabricksConnectionBodySchema = z
  .object({
    name: ObjectNameSchema,
    workspaceUrl: WorkspaceUrlSchema,
    token: SecretInputSchema.optional().describe("Personal access token; write-only"),
    isolation: IsolationSchema.default("service"),
    storagePrefix: nulFreeString()
      .trim()
      .min(1)
      .describe("What the cluster sees: dbfs:/mnt/<name>, abfss://... or /Volumes/..."),
    storage: MountStorageInputSchema,
  })
  .strict();
export const UpdateDatabricksConnectionBodySchema = CreateDatabricksConnectionBodySchema.partial().strict();

export const DatabricksConnectionSchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    workspaceUrl: z.string(),
    isolation: IsolationSchema,
    storagePrefix: z.string(),
    storage: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("installation") }).strict(),
      z
        .object({
          kind: z.literal("azure-blob"),
          container: z.string(),
          blobPrefix: z.string(),
          account: z.string().nullable(),
          credentialsSet: z.boolean(),
        })
        .strict(),
    ]),
    token: z
      .object({
        set: z.boolean(),
        last4: z.string().nullable(),
        unreadable: z
          .boolean()
          .describe("Stored, but it does not decrypt with the current SOUS_SECRET_KEY: re-enter it"),
      })
      .strict()
      .describe("Whether a token is stored, and its last 4 characters; never the token"),
    profiles: z.number().int(),
    createdAt: IsoDateSchema,
    updatedAt: IsoDateSchema,
  })
  .strict();
export type DatabricksConnection = z.infer<typeof DatabricksConnectionSchema>;

export const ConnectionCheckSchema = z
  .object({ name: z.enum(["token", "rest", "mount"]), ok: z.boolean(), message: z.string() })
  .strict();
export const ConnectionTestResultSchema = z
  .object({ ok: z.boolean(), checks: z.array(ConnectionCheckSchema) })
  .strict();
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

export const WorkspaceCatalogSchema = z
  .object({
    sparkVersions: z.array(z.object({ key: z.string(), name: z.string() }).strict()),
    nodeTypes: z.array(
      z.object({ id: z.string(), memoryMb: z.number(), cores: z.number(), description: z.string() }).strict(),
    ),
  })
  .strict();

export const ComputeProfileSchema = z
  .object({
    id: IdSchema,
    connectionId: IdSchema,
    name: z.string(),
    spec: z.record(z.string(), z.unknown()).describe("Clusters API JSON"),
    maxClusters: z.number().int(),
    maxActiveStatements: z.number().int(),
    updatedAt: IsoDateSchema,
  })
  .strict();
export type ComputeProfile = z.infer<typeof ComputeProfileSchema>;

export const SaveComputeProfileBodySchema = z
  .object({
    name: ObjectNameSchema,
    spec: z
      .unknown()
      .describe(
        "Clusters API JSON: spark_version, node_type_id, autoscale or num_workers, autotermination_minutes, ...",
      ),
    maxClusters: z.number().int().min(1).max(20).default(2),
    maxActiveStatements: z.number().int().min(1).max(100).default(4),
  })
  .strict();

export const MyDatabricksTokenSchema = z
  .object({
    connectionId: IdSchema,
    connectionName: z.string(),
    isolation: IsolationSchema,
    set: z.boolean(),
    last4: z.string().nullable(),
  })
  .strict();
export const SetMyDatabricksTokenBodySchema = z.object({ token: SecretInputSchema }).strict();

/** Per project: the default engine. */
export const ProjectEngineSchema = z.object({ engine: EngineChoiceSchema }).strict();
/** What a project member may pick as an engine: connections with their profiles (no secrets). */
export const EngineOptionsSchema = z
  .object({
    connections: z.array(
      z
        .object({
          id: IdSchema,
          name: z.string(),
          isolation: IsolationSchema,
          tokenState: z
            .enum(["ready", "missing", "unreadable"])
            .describe(
              "Whether a run would find a token: the service token, or the caller's own in per-user mode",
            ),
          profiles: z.array(z.object({ id: IdSchema, name: z.string() }).strict()),
        })
        .strict(),
    ),
  })
  .strict();
export type EngineOptions = z.infer<typeof EngineOptionsSchema>;
/** Per recipe: an override, or null to follow the project. */
export const RecipeEngineBodySchema = z.object({ engine: EngineChoiceSchema.nullable() }).strict();
export const RecipeEngineSchema = z
  .object({
    engine: EngineChoiceSchema.nullable(),
    effective: EngineChoiceSchema.describe("The override, else the project's default"),
  })
  .strict();

/** What a remote activity stores on the job (JobActivity.remote). */
export const RemoteRunInfoSchema = z
  .object({
    connectionId: IdSchema,
    profileId: IdSchema,
    clusterId: z.string(),
    sparkUiUrl: z.string(),
    statements: z.number().int(),
    timings: z.record(z.string(), z.number()),
  })
  .strict();
export type RemoteRunInfo = z.infer<typeof RemoteRunInfoSchema>;

const UserRef = z.object({ id: IdSchema, name: z.string() }).strict();
/**
 * Who uses a Databricks connection (or one compute profile of it) as their engine: deleting it
 * is refused (409) while any project or recipe does, unless `force=true` moves them back to the
 * local engine (projects) or to the project's engine (recipe overrides).
 */
export const DatabricksUsageSchema = z
  .object({
    projects: z.array(UserRef).describe("Projects whose default engine it is"),
    recipes: z
      .array(UserRef.extend({ projectId: IdSchema, projectName: z.string() }).strict())
      .describe("Recipes that override their project's engine with it"),
    profiles: z.array(UserRef).describe("Compute profiles deleted with it"),
  })
  .strict();
export type DatabricksUsage = z.infer<typeof DatabricksUsageSchema>;
export const DeleteDatabricksQuerySchema = z
  .object({
    force: z
      .enum(["true", "false"])
      .default("false")
      .describe(
        "true: delete even when projects or recipes use it; they go back to the local engine (projects) or to their project's engine (recipes)",
      ),
  })
  .strict();
