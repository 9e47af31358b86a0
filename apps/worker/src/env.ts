import { parseServerEnv, type ServerEnv } from "@sous/config";

/** The worker's environment, parsed once at boot; nothing else reads process.env. */
export const env: ServerEnv = parseServerEnv(process.env);
