import "server-only";
import { AppError, JobStateSchema } from "@sous/contracts";
import { isUniqueViolation, type Prisma } from "@sous/db";
import { ctx } from "../context.ts";

// The rules a Lab analysis row follows whatever its task (prediction or clustering): a name unique
// in the project, and a design saved under the version its edit started from.

export const analysisNameTaken = (name: string) =>
  new AppError("conflict", `An analysis named ${name} already exists in this project. Choose another name.`);

/** `base`, or `base (2)`, `base (3)`, ...: the first name no analysis of the project has. */
export async function freeAnalysisName(projectId: string, base: string): Promise<string> {
  const taken = new Set(
    (
      await ctx().db.mlAnalysis.findMany({
        where: { projectId, name: { startsWith: base } },
        select: { name: true },
      })
    ).map((a) => a.name),
  );
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base} (${i})`)) return `${base} (${i})`;
}

/** Creates the analysis row and returns its id; a name taken meanwhile is a 409. */
export async function createAnalysisRow(row: {
  projectId: string;
  datasetId: string;
  name: string;
  design: unknown;
  createdById: string;
}): Promise<string> {
  try {
    const a = await ctx().db.mlAnalysis.create({
      data: { ...row, design: row.design as Prisma.InputJsonValue },
      select: { id: true },
    });
    return a.id;
  } catch (e) {
    if (isUniqueViolation(e)) throw analysisNameTaken(row.name);
    throw e;
  }
}

/**
 * Saves a design (and a new name, if given) only if the row is still at `version`: someone
 * else's save in between is a 409, and so is a name another analysis of the project has.
 */
export async function saveAnalysisDesign(
  analysisId: string,
  input: { design: unknown; version: number; name?: string | undefined },
): Promise<void> {
  try {
    const r = await ctx().db.mlAnalysis.updateMany({
      where: { id: analysisId, version: input.version },
      data: {
        design: input.design as Prisma.InputJsonValue,
        version: { increment: 1 },
        ...(input.name ? { name: input.name } : {}),
      },
    });
    if (r.count === 0)
      throw new AppError(
        "conflict",
        "Someone else saved this design meanwhile: reload it to see their changes, then edit again.",
      );
  } catch (e) {
    if (isUniqueViolation(e)) throw analysisNameTaken(input.name ?? "");
    throw e;
  }
}

/** What a training's DTO says of its job, whatever the task: the rest is its design and result. */
export function trainingJobFields(t: {
  id: string;
  number: number;
  jobId: string;
  createdAt: Date;
  job: { state: string; error: string | null; finishedAt: Date | null };
}) {
  return {
    id: t.id,
    number: t.number,
    jobId: t.jobId,
    state: JobStateSchema.parse(t.job.state),
    error: t.job.error,
    createdAt: t.createdAt.toISOString(),
    finishedAt: t.job.finishedAt?.toISOString() ?? null,
  };
}
