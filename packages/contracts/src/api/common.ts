import { z } from "zod";
import { nulFreeString } from "../recipes/common.ts";

export const IdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "not a valid id");
export const IsoDateSchema = nulFreeString().describe("ISO 8601 timestamp");
/** Names of datasets and recipes: what users type, so be generous but bounded and printable. */
export const ObjectNameSchema = nulFreeString()
  .trim()
  .min(1, "name is empty")
  .max(128, "name is longer than 128 characters")
  .regex(/^[\p{L}\p{N}_][\p{L}\p{N} _.-]*$/u, "use letters, digits, spaces, '_', '-' or '.' (not first)");
