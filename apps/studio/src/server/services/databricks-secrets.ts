import "server-only";
import { createSecretBox, type SecretBox } from "@sous/config";
import { env } from "../env.ts";

let box: SecretBox | undefined;

/** The AES-256-GCM box for Databricks tokens and Blob credentials (key: SOUS_SECRET_KEY). */
export function secretBox(): SecretBox {
  box ??= createSecretBox(env().SOUS_SECRET_KEY);
  return box;
}
