import { z } from "zod";
import { IdSchema } from "./common.ts";

export const FlowNodeStateSchema = z.enum(["never-built", "built", "building", "failed"]);

export const FlowNodeSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("dataset"),
      id: IdSchema,
      name: z.string(),
      state: FlowNodeStateSchema,
      /** Built, but not from the current recipe and inputs (a smart build rebuilds it). */
      outdated: z.boolean(),
      rowCount: z.number().nullable(),
      position: z.object({ x: z.number(), y: z.number() }).nullable(),
    })
    .strict(),
  z
    .object({
      type: z.literal("recipe"),
      id: IdSchema,
      name: z.string(),
      kind: z.string(),
      engine: z.string(),
      position: z.object({ x: z.number(), y: z.number() }).nullable(),
    })
    .strict(),
  /** A model deployed from the Lab: linked from its training dataset and to the recipes scoring with it. */
  z
    .object({
      type: z.literal("savedModel"),
      id: IdSchema,
      name: z.string(),
      task: z.string().nullable(),
      /** The active version's number; null before the first deploy. */
      activeVersion: z.number().int().nullable(),
      versionCount: z.number().int(),
      position: z.object({ x: z.number(), y: z.number() }).nullable(),
    })
    .strict(),
]);
export type FlowNode = z.infer<typeof FlowNodeSchema>;

export const FlowGraphSchema = z
  .object({
    nodes: z.array(FlowNodeSchema),
    edges: z.array(z.object({ source: IdSchema, target: IdSchema }).strict()),
  })
  .strict();
export type FlowGraph = z.infer<typeof FlowGraphSchema>;

export const SaveLayoutBodySchema = z
  .object({
    positions: z
      .array(z.object({ nodeId: IdSchema, x: z.number().finite(), y: z.number().finite() }).strict())
      .max(10_000),
  })
  .strict();
