import path from "node:path";

/** The repository (python/ holds the sous_ml package) and the project's venv, built by scripts/bootstrap.mjs. */
export const repoRoot = path.resolve(import.meta.dirname, "../../..");
export const defaultPython = path.join(repoRoot, ".venv", "bin", "python");
