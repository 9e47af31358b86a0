// Runs once when the studio server starts (Next's instrumentation hook).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { env } = await import("./src/server/env.ts");
  if (!env().SOUS_SEED_DEMO) return;
  const { seedDemoProject } = await import("./src/server/demo/seed-demo.ts");
  await seedDemoProject().catch((e: unknown) => console.error("[sous] demo seed failed:", e));
}
