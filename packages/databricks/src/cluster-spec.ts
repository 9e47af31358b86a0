// The compute profile's cluster JSON, checked with the rules the Clusters API itself enforces
// (research §2.1), so an admin sees the bad field when saving instead of a failed job later.
import { z } from "zod";

const stringMap = z.record(z.string().min(1), z.string());

const workerCount = z.number().int("must be a whole number").min(0, "must be 0 or more");

export const DATA_SECURITY_MODES = [
  "NONE",
  "SINGLE_USER",
  "USER_ISOLATION",
  "DATA_SECURITY_MODE_AUTO",
  "DATA_SECURITY_MODE_STANDARD",
  "DATA_SECURITY_MODE_DEDICATED",
  "LEGACY_TABLE_ACL",
  "LEGACY_PASSTHROUGH",
  "LEGACY_SINGLE_USER",
  "LEGACY_SINGLE_USER_STANDARD",
] as const;

/** Tag keys Sous sets itself to find the clusters of a profile; an admin must not override them. */
export const PROFILE_TAG = "sous-profile";

export const clusterSpecSchema = z
  .object({
    cluster_name: z.string().min(1).max(100).optional(),
    spark_version: z.string({ error: "is required (pick one of the workspace's Spark versions)" }).min(1),
    node_type_id: z.string().min(1).optional(),
    driver_node_type_id: z.string().min(1).optional(),
    num_workers: workerCount.optional(),
    autoscale: z
      .object({ min_workers: workerCount, max_workers: workerCount.min(1, "must be 1 or more") })
      .strict()
      .refine((a) => a.max_workers > a.min_workers, {
        message: "must be greater than min_workers",
        path: ["max_workers"],
      })
      .optional(),
    autotermination_minutes: z
      .number()
      .int("must be a whole number")
      .refine((m) => m === 0 || (m >= 10 && m <= 10_000), "must be 0 (never) or between 10 and 10000")
      .optional(),
    spark_conf: stringMap.optional(),
    spark_env_vars: stringMap.optional(),
    custom_tags: stringMap
      .refine((tags) => !(PROFILE_TAG in tags), `"${PROFILE_TAG}" is set by Sous`)
      .optional(),
    data_security_mode: z.enum(DATA_SECURITY_MODES).optional(),
    single_user_name: z.string().min(1).optional(),
    runtime_engine: z.enum(["STANDARD", "PHOTON"]).optional(),
    policy_id: z.string().min(1).optional(),
  })
  // Unknown keys are refused: a typo (autotermination_minute) would otherwise be ignored silently.
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.num_workers !== undefined && spec.autoscale !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["autoscale"],
        message: "set either num_workers or autoscale, not both",
      });
    }
    const dedicated =
      spec.data_security_mode === "SINGLE_USER" || spec.data_security_mode === "DATA_SECURITY_MODE_DEDICATED";
    if (dedicated && !spec.single_user_name) {
      ctx.addIssue({
        code: "custom",
        path: ["single_user_name"],
        message: `is required when data_security_mode is ${spec.data_security_mode}`,
      });
    }
  });
export type ClusterSpec = z.infer<typeof clusterSpecSchema>;

export type SpecIssue = { path: string; message: string };

/** The zod issues as `{ path: "autoscale.max_workers", message }`, for the JSON editor. */
export function specIssues(error: z.ZodError): SpecIssue[] {
  return error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join(".") : "(root)",
    message: i.message,
  }));
}

/** Checks the node types and Spark version against the workspace's own lists. */
export function checkSpecAgainstWorkspace(
  spec: ClusterSpec,
  workspace: { sparkVersions: readonly { key: string }[]; nodeTypes: readonly { node_type_id: string }[] },
): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const versions = new Set(workspace.sparkVersions.map((v) => v.key));
  const nodes = new Set(workspace.nodeTypes.map((n) => n.node_type_id));
  if (!versions.has(spec.spark_version)) {
    issues.push({
      path: "spark_version",
      message: `"${spec.spark_version}" is not offered by this workspace`,
    });
  }
  for (const field of ["node_type_id", "driver_node_type_id"] as const) {
    const v = spec[field];
    if (v !== undefined && !nodes.has(v)) {
      issues.push({ path: field, message: `"${v}" is not a node type of this workspace` });
    }
  }
  return issues;
}

/** Sous' limits per profile, next to the cluster JSON. */
export const profileLimitsSchema = z
  .object({
    maxClusters: z.number().int().min(1).max(20).default(2),
    maxActiveStatements: z.number().int().min(1).max(100).default(4),
  })
  .strict();
