import "server-only";
import { AppError, type ComputeProfile, type SaveComputeProfileBodySchema } from "@sous/contracts";
import { checkSpecAgainstWorkspace, clusterSpecSchema, type SpecIssue, specIssues } from "@sous/databricks";
import type { z } from "zod";
import { ctx } from "../context.ts";
import { findConnectionRow, restClientFor } from "./databricks-connections.ts";
import { deleteWithUsers } from "./databricks-usage.ts";

type Body = z.output<typeof SaveComputeProfileBodySchema>;

const dto = (p: {
  id: string;
  connectionId: string;
  name: string;
  spec: unknown;
  maxClusters: number;
  maxActiveStatements: number;
  updatedAt: Date;
}): ComputeProfile => ({
  id: p.id,
  connectionId: p.connectionId,
  name: p.name,
  spec: p.spec as Record<string, unknown>,
  maxClusters: p.maxClusters,
  maxActiveStatements: p.maxActiveStatements,
  updatedAt: p.updatedAt.toISOString(),
});

function refuse(issues: SpecIssue[]): never {
  const list = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  throw new AppError("invalid_input", `The cluster JSON is not valid: ${list}`, { details: { issues } });
}

/**
 * The API's own rules first; then, when the workspace answers, its Spark versions and node types
 * (an unreachable workspace does not block saving: the job would report it).
 */
async function validSpec(connectionId: string, userId: string, spec: unknown) {
  const r = clusterSpecSchema.safeParse(spec);
  if (!r.success) refuse(specIssues(r.error));
  try {
    const { rest } = await restClientFor(connectionId, userId);
    const [sparkVersions, nodeTypes] = await Promise.all([rest.listSparkVersions(), rest.listNodeTypes()]);
    const issues = checkSpecAgainstWorkspace(r.data, { sparkVersions, nodeTypes });
    if (issues.length > 0) refuse(issues);
  } catch (e) {
    if (e instanceof AppError && e.code === "invalid_input" && e.details?.issues) throw e;
  }
  return r.data;
}

export async function listProfiles(connectionId: string): Promise<ComputeProfile[]> {
  await findConnectionRow(connectionId);
  const rows = await ctx().db.computeProfile.findMany({ where: { connectionId }, orderBy: { name: "asc" } });
  return rows.map(dto);
}

export async function createProfile(
  connectionId: string,
  userId: string,
  body: Body,
): Promise<ComputeProfile> {
  await findConnectionRow(connectionId);
  const spec = await validSpec(connectionId, userId, body.spec);
  try {
    const row = await ctx().db.computeProfile.create({
      data: {
        connectionId,
        name: body.name,
        spec,
        maxClusters: body.maxClusters,
        maxActiveStatements: body.maxActiveStatements,
      },
    });
    return dto(row);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002")
      throw new AppError("conflict", `This connection already has a profile named ${body.name}.`);
    throw e;
  }
}

export async function updateProfile(
  connectionId: string,
  profileId: string,
  userId: string,
  body: Body,
): Promise<ComputeProfile> {
  const existing = await ctx().db.computeProfile.findFirst({ where: { id: profileId, connectionId } });
  if (!existing) throw new AppError("not_found", "Compute profile not found.");
  const spec = await validSpec(connectionId, userId, body.spec);
  const row = await ctx().db.computeProfile.update({
    where: { id: profileId },
    data: {
      name: body.name,
      spec,
      maxClusters: body.maxClusters,
      maxActiveStatements: body.maxActiveStatements,
    },
  });
  return dto(row);
}

export async function deleteProfile(
  connectionId: string,
  profileId: string,
  opts: { force: boolean },
): Promise<void> {
  const row = await ctx().db.computeProfile.findFirst({ where: { id: profileId, connectionId } });
  if (!row) throw new AppError("not_found", "Compute profile not found.");
  await deleteWithUsers({ connectionId, profileId }, `The compute profile ${row.name}`, opts.force, (tx) =>
    tx.computeProfile.delete({ where: { id: profileId } }),
  );
}
