import { defineConfig } from "prisma/config";

// Only `prisma generate` uses this file; migrations go through src/migrate.ts (wasm schema engine).
export default defineConfig({ schema: "../../prisma/schema.prisma" });
