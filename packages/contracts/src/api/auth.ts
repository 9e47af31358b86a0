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
