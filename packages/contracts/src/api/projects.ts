import { z } from "zod";
import { nulFreeString } from "../recipes/common.ts";
import { IdSchema, IsoDateSchema } from "./common.ts";

export const ProjectRoleSchema = z.enum(["OWNER", "EDITOR", "VIEWER"]);
export type ProjectRole = z.infer<typeof ProjectRoleSchema>;

export const CreateProjectBodySchema = z
  .object({
    key: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z][A-Z0-9_]{1,31}$/, "use 2 to 32 letters, digits or '_', starting with a letter"),
    name: nulFreeString().trim().min(1).max(128),
    description: nulFreeString().max(2000).default(""),
  })
  .strict();

export const ProjectSchema = z
  .object({
    id: IdSchema,
    key: z.string(),
    name: z.string(),
    description: z.string(),
    role: ProjectRoleSchema.describe("The caller's role in this project"),
    createdAt: IsoDateSchema,
  })
  .strict();
export type Project = z.infer<typeof ProjectSchema>;

export const AddMemberBodySchema = z.object({ email: z.string().email(), role: ProjectRoleSchema }).strict();

export const ProjectMemberSchema = z
  .object({
    userId: IdSchema,
    email: z.string(),
    name: z.string(),
    role: ProjectRoleSchema,
    disabled: z.boolean().describe("The account is disabled: the member keeps the role but cannot sign in"),
    addedAt: IsoDateSchema,
  })
  .strict();
export type ProjectMember = z.infer<typeof ProjectMemberSchema>;
