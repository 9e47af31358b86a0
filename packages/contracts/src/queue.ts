import { z } from "zod";

/** Queue names; one BullMQ queue each, one processor each in apps/worker. */
export const QueueName = { build: "build" } as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/**
 * Payloads carry ids only; the Job row in Postgres carries the state.
 * Add fields only as .optional() (jobs already in Redis must still parse).
 */
export const BuildJobPayloadSchema = z.object({ jobId: z.string().min(1) }).strict();
export type BuildJobPayload = z.infer<typeof BuildJobPayloadSchema>;

export interface QueuePayloads {
  [QueueName.build]: BuildJobPayload;
}
