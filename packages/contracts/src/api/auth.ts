import { z } from "zod";
import { nulFreeString } from "../recipes/common.ts";
import { IdSchema, IsoDateSchema } from "./common.ts";

export const PasswordSchema = z.string().min(10, "use at least 10 characters").max(256);
export const EmailSchema = z.string().trim().toLowerCase().email("not a valid email address").max(254);

export const SetupBodySchema = z
  .object({ email: EmailSchema, name: nulFreeString().trim().min(1).max(128), password: PasswordSchema })
  .strict();
export const LoginBodySchema = z
  .object({ email: EmailSchema, password: z.string().min(1).max(256) })
  .strict();

export const UserSchema = z
  .object({ id: IdSchema, email: z.string(), name: z.string(), role: z.enum(["ADMIN", "USER"]) })
  .strict();
export type User = z.infer<typeof UserSchema>;

export const CreateUserBodySchema = SetupBodySchema.extend({
  role: z.enum(["ADMIN", "USER"]).default("USER"),
}).strict();

/** A user as administrators see them: with the account's state. */
export const AdminUserSchema = UserSchema.extend({
  disabled: z.boolean().describe("A disabled account cannot sign in; its sessions and API keys are refused"),
  createdAt: IsoDateSchema,
}).strict();
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const UpdateUserBodySchema = z
  .object({
    role: z.enum(["ADMIN", "USER"]).optional(),
    disabled: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.disabled !== undefined, "give `role`, `disabled` or both");

export const ResetPasswordBodySchema = z
  .object({
    password: PasswordSchema.optional().describe(
      "The new password; without it Sous generates one and returns it in this response only",
    ),
  })
  .strict();
export const ResetPasswordResultSchema = z
  .object({
    user: AdminUserSchema,
    generatedPassword: z
      .string()
      .nullable()
      .describe("The generated password, shown once (only its hash is stored); null when one was given"),
    sessionsRevoked: z.number().int().nonnegative(),
  })
  .strict();

export const CreateApiKeyBodySchema = z.object({ name: nulFreeString().trim().min(1).max(128) }).strict();
export const ApiKeySchema = z
  .object({
    id: IdSchema,
    name: z.string(),
    prefix: z.string(),
    createdAt: IsoDateSchema,
    lastUsedAt: IsoDateSchema.nullable(),
  })
  .strict();
export const ApiKeyCreatedSchema = ApiKeySchema.extend({
  key: z.string().describe("The secret key. Shown once: only its hash is stored."),
}).strict();
