import "server-only";
import type { RetrainIntent, User } from "@sous/contracts";
import { isUniqueViolation, type Prisma } from "@sous/db";
import { initialJobState } from "@sous/server-domain";
import { mlTrainingPrefix } from "@sous/storage";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { enqueueJob } from "./jobs.ts";

/** What a training row is read with for its DTO (the job's state, error and end). */
export const trainingInclude = {
  job: { select: { state: true, error: true, finishedAt: true } },
} satisfies Prisma.MlTrainingInclude;

/**
 * Queues a training of an analysis (a prediction or a clustering design, checked by the caller):
 * a job of mode "train" the worker runs, its first log line from `logLine`, and the training row
 * with the analysis's next number, the design, the dataset version and, for a retrain, what to
 * deploy after. Returns the row with its job (trainingInclude).
 */
export async function queueTraining(o: {
  user: User;
  projectId: string;
  analysisId: string;
  design: unknown;
  datasetVersionId: string;
  retrain?: RetrainIntent | undefined;
  /** The job's first log line, for the training's number. */
  logLine: (number: number) => string;
}) {
  const { db } = ctx();
  for (let tries = 0; ; tries++) {
    const last = await db.mlTraining.findFirst({
      where: { analysisId: o.analysisId },
      orderBy: { number: "desc" },
      select: { number: true },
    });
    const number = (last?.number ?? 0) + 1;
    try {
      const t = await db.$transaction(async (tx) => {
        const job = await tx.job.create({
          data: {
            projectId: o.projectId,
            createdById: o.user.id,
            mode: "train",
            targets: [],
            queuePrefix: env().SOUS_QUEUE_PREFIX,
            // One unit of work (the training), so always QUEUED; the state machine says so.
            ...initialJobState(1),
            logs: { create: { level: "info", message: o.logLine(number) } },
          },
        });
        const training = await tx.mlTraining.create({
          data: {
            analysisId: o.analysisId,
            jobId: job.id,
            number,
            design: o.design as Prisma.InputJsonValue,
            datasetVersionId: o.datasetVersionId,
            artifactsPrefix: "pending",
            ...(o.retrain ? { retrain: o.retrain as Prisma.InputJsonValue } : {}),
          },
        });
        return tx.mlTraining.update({
          where: { id: training.id },
          data: { artifactsPrefix: mlTrainingPrefix({ projectId: o.projectId, trainingId: training.id }) },
          include: trainingInclude,
        });
      });
      await enqueueJob(t.jobId);
      return t;
    } catch (e) {
      // Two trainings started at once took the same number: the second takes the next one.
      if (isUniqueViolation(e) && tries < 3) continue;
      throw e;
    }
  }
}
