import "server-only";
import { parseServerEnv, type ServerEnv } from "@sous/config";

let parsed: ServerEnv | undefined;

/** The studio's environment, parsed once (on first use, since Next imports modules at build time too). */
export function env(): ServerEnv {
  parsed ??= parseServerEnv(process.env);
  return parsed;
}
