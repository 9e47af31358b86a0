// The project's Python environment: `.venv` built from python/requirements.txt (pyspark for the
// conformance suite and the emulator, scikit-learn for the ML trainer). Plain Node, called by
// bootstrap.mjs. Rebuilt only when the requirements file or the Python version changes (a hash
// stamped in the venv). Without python3 it says what to install and goes on; without java the
// venv is built but Spark cannot start.
// Other profiles (Spark 3.5: `.venv-spark35` from python/requirements-spark35.txt) are built the
// same way, but only on demand (`npm run conformance -- --spark 3.5`), never by the bootstrap.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export const STAMP = ".sous-requirements.sha256";

function output(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return r.status === 0 ? `${r.stdout}${r.stderr}`.trim() : null;
}

/** The venvs the project knows: the default one (bootstrap) and on-demand conformance profiles. */
export const PYTHON_PROFILES = {
  default: { venv: ".venv", requirements: "requirements.txt" },
  "spark3.5": { venv: ".venv-spark35", requirements: "requirements-spark35.txt" },
};

/** Builds or updates a profile's venv; returns its python, or null when it could not be built. */
export function ensurePythonEnv(root, log = (m) => console.log(`[sous] ${m}`), profile = "default") {
  const { venv: venvName, requirements: requirementsName } = PYTHON_PROFILES[profile];
  const requirements = path.join(root, "python", requirementsName);
  const venv = path.join(root, venvName);
  const python = path.join(venv, "bin", "python");
  const version = output("python3", ["--version"]);
  if (!version) {
    log(
      "python3 not found: install Python 3.11 with venv (Debian: apt-get install python3 python3-venv) " +
        "for the Spark conformance suite; going on without it",
    );
    return null;
  }
  if (!output("java", ["-version"]))
    log("java not found: install Java 17 (Debian: apt-get install openjdk-17-jre-headless) to run Spark");
  const hash = createHash("sha256").update(readFileSync(requirements)).update(version).digest("hex");
  const stamp = path.join(venv, STAMP);
  if (existsSync(python) && existsSync(stamp) && readFileSync(stamp, "utf8").trim() === hash) return python;

  const started = Date.now();
  if (existsSync(venv) && !existsSync(python)) rmSync(venv, { recursive: true, force: true });
  if (!existsSync(python)) {
    log(`creating the Python environment ${venvName} (${version})`);
    if (spawnSync("python3", ["-m", "venv", venv], { stdio: "inherit" }).status !== 0) {
      log("python3 -m venv failed: install python3-venv; going on without the Python environment");
      rmSync(venv, { recursive: true, force: true });
      return null;
    }
  }
  rmSync(stamp, { force: true });
  log(`installing python/${requirementsName} into ${venvName} (pip)`);
  const pip = spawnSync(
    python,
    ["-m", "pip", "install", "--disable-pip-version-check", "--quiet", "-r", requirements],
    { stdio: "inherit" },
  );
  if (pip.status !== 0) {
    log("pip install failed (is PyPI reachable?): going on without the Python environment");
    return null;
  }
  writeFileSync(stamp, `${hash}\n`);
  log(`Python environment ${venvName} ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return python;
}
