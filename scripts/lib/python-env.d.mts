// Types of python-env.mjs (plain Node, run by the bootstrap before any dependency is installed).
export const STAMP: string;
export const PYTHON_PROFILES: Record<"default" | "spark3.5", { venv: string; requirements: string }>;
export function ensurePythonEnv(
  root: string,
  log?: (message: string) => void,
  profile?: "default" | "spark3.5",
): string | null | undefined;
