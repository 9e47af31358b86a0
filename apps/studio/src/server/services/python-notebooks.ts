import "server-only";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { AppError, newId } from "@sous/contracts";
import { isUniqueViolation, type Prisma } from "@sous/db";
import type {
  ExecuteResultDto,
  Ipynb,
  KernelInfoDto,
  PythonNotebook,
} from "@/shared/api/python-notebook-schemas.ts";
import { IpynbSchema } from "@/shared/api/python-notebook-schemas.ts";
import { mintKernelToken } from "../auth/kernel-tokens.ts";
import { ctx } from "../context.ts";
import { env } from "../env.ts";
import { type KernelInfo, KernelManager } from "./jupyter-kernels.ts";
import { nameTaken, writeNotebookContent } from "./notebooks.ts";

// Python notebooks (issue #17). The notebook is an .ipynb stored in the notebooks table (kind
// "python", the document in its `cells` column), with the SQL notebooks' optimistic concurrency.
// Cells run in the caller's own kernel (jupyter-kernels.ts): the studio talks to Jupyter, the
// browser only to the studio, under its session and the project's roles.
//
// Why Sous's own cell UI rather than embedded JupyterLab: JupyterLab would need its whole web app
// and its websocket proxied to the browser (with the Jupyter token or a cookie the proxy would
// have to translate), a second look and a second file model next to the SQL notebooks, and
// its own contents API saving .ipynb files on disk instead of with the project in Postgres.
// A cell UI over the kernel protocol keeps one auth, one storage and one look.

const KIND = "python";

type Row = NonNullable<Awaited<ReturnType<typeof findRow>>>;

function findRow(projectId: string, notebookId: string) {
  return ctx().db.notebook.findFirst({ where: { id: notebookId, projectId, kind: KIND } });
}

async function findNotebook(projectId: string, notebookId: string): Promise<Row> {
  const n = await findRow(projectId, notebookId);
  if (!n) throw new AppError("not_found", "Python notebook not found.");
  return n;
}

function emptyIpynb(): Ipynb {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
      language_info: { name: "python" },
    },
    cells: [{ cell_type: "code", id: newId(), source: "", metadata: {}, outputs: [], execution_count: null }],
  };
}

function ipynbOf(n: Row): Ipynb {
  const parsed = IpynbSchema.safeParse(n.cells);
  return parsed.success ? parsed.data : emptyIpynb();
}

function kernelDto(k: KernelInfo | undefined): KernelInfoDto | null {
  return k ? { id: k.id, state: k.state, startedAt: k.startedAt, lastUsedAt: k.lastUsedAt } : null;
}

function dto(n: Row, userId: string): PythonNotebook {
  return {
    id: n.id,
    projectId: n.projectId,
    name: n.name,
    kind: KIND,
    version: n.version,
    ipynb: ipynbOf(n),
    kernel: kernelDto(
      kernels()
        .list(userId)
        .find((k) => k.notebookKey === n.id),
    ),
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

export async function createPythonNotebook(
  projectId: string,
  userId: string,
  input: { name: string; ipynb?: Ipynb | undefined },
): Promise<PythonNotebook> {
  try {
    const n = await ctx().db.notebook.create({
      data: {
        projectId,
        name: input.name,
        kind: KIND,
        cells: (input.ipynb ?? emptyIpynb()) as unknown as Prisma.InputJsonValue,
      },
    });
    return dto(n, userId);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(input.name);
    throw e;
  }
}

export async function getPythonNotebook(projectId: string, notebookId: string, userId: string) {
  return dto(await findNotebook(projectId, notebookId), userId);
}

export async function savePythonNotebook(
  projectId: string,
  notebookId: string,
  userId: string,
  input: { version: number; name?: string | undefined; ipynb: Ipynb },
): Promise<PythonNotebook> {
  const n = await findNotebook(projectId, notebookId); // a Python one (findNotebook checks the kind)
  await writeNotebookContent(n.id, { version: input.version, name: input.name, content: input.ipynb });
  return getPythonNotebook(projectId, notebookId, userId);
}

// ---- kernels ----

/** The repository root (where .venv and python/ are), from the studio's working directory. */
function repoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(path.join(dir, "pnpm-workspace.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const g = globalThis as unknown as { __sousKernels?: KernelManager };

function kernels(): KernelManager {
  if (g.__sousKernels) return g.__sousKernels;
  const root = repoRoot();
  const km = new KernelManager({
    python: path.join(root, ".venv", "bin", "python"),
    pythonPath: path.join(root, "python"),
    workDir: path.join(ctx().dataDir, "tmp", "jupyter"),
    idleMs: env().SOUS_NOTEBOOK_IDLE_MINUTES * 60_000,
    inheritEnv: process.env,
    log: (m) => console.log(m),
  });
  // The servers are this process's children: they go when it goes.
  process.once("exit", () => km.stopAll());
  g.__sousKernels = km;
  return km;
}

/** Sets the kernel up for the `sous` package: the studio's address, the project, the user's token. */
function initCode(studioUrl: string, projectId: string, token: string): string {
  const s = (v: string) => JSON.stringify(v);
  return [
    "import os as _os",
    `_os.environ["SOUS_URL"] = ${s(studioUrl)}`,
    `_os.environ["SOUS_PROJECT_ID"] = ${s(projectId)}`,
    `_os.environ["SOUS_KERNEL_TOKEN"] = ${s(token)}`,
    // The server's token is the studio's business, not the notebook's.
    '_os.environ.pop("JUPYTER_TOKEN", None)',
    "del _os",
  ].join("\n");
}

export async function startPythonKernel(
  projectId: string,
  notebookId: string,
  userId: string,
  studioUrl: string,
): Promise<KernelInfoDto> {
  const n = await findNotebook(projectId, notebookId);
  // One token per kernel (minted only when one starts), revoked when it stops; a restart re-runs
  // the set-up with the same token.
  const k = await kernels().kernelFor(userId, n.id, () => {
    const { token, revoke } = mintKernelToken(userId);
    return { init: () => initCode(studioUrl, projectId, token), onStopped: revoke };
  });
  return kernelDto(k)!;
}

/** The caller's kernel of this notebook: someone else's (or another notebook's) is not found. */
async function ownKernel(projectId: string, notebookId: string, userId: string, kernelId: string) {
  await findNotebook(projectId, notebookId);
  const k = kernels().get(userId, kernelId);
  if (k.notebookKey !== notebookId) throw new AppError("not_found", "Kernel not found: it may have stopped.");
  return k;
}

export async function executePythonCell(
  projectId: string,
  notebookId: string,
  userId: string,
  kernelId: string,
  code: string,
  signal?: AbortSignal,
): Promise<ExecuteResultDto> {
  await ownKernel(projectId, notebookId, userId, kernelId);
  return kernels().execute(userId, kernelId, code, signal);
}

export async function interruptPythonKernel(
  projectId: string,
  notebookId: string,
  userId: string,
  kernelId: string,
) {
  await ownKernel(projectId, notebookId, userId, kernelId);
  return kernelDto(await kernels().interrupt(userId, kernelId))!;
}

export async function restartPythonKernel(
  projectId: string,
  notebookId: string,
  userId: string,
  kernelId: string,
) {
  await ownKernel(projectId, notebookId, userId, kernelId);
  return kernelDto(await kernels().restart(userId, kernelId))!;
}

export async function stopPythonKernel(
  projectId: string,
  notebookId: string,
  userId: string,
  kernelId: string,
) {
  await ownKernel(projectId, notebookId, userId, kernelId);
  await kernels().shutdown(userId, kernelId);
  return { ok: true as const };
}

async function parquetFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".parquet"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** How long a blob-cached version stays leased for a kernel's read (local storage needs none). */
const READ_LEASE_MS = 15 * 60_000;

/** Where dataset `name`'s current version is stored, for `sous.dataset(name)` in a kernel. */
export async function kernelDataset(projectId: string, name: string) {
  const { db, storage } = ctx();
  const d = await db.dataset.findUnique({
    where: { projectId_name: { projectId, name } },
    include: { currentVersion: true },
  });
  if (!d) throw new AppError("not_found", `Dataset ${name} is not a dataset of this project.`);
  const v = d.currentVersion;
  if (!v) throw new AppError("conflict", `Dataset ${name} has no data yet. Build or import it first.`);
  const lease = await storage.acquire(v.prefix);
  // The kernel reads the files after this answer: keep a blob cache's copy for a while.
  setTimeout(() => void lease.release(), READ_LEASE_MS).unref();
  return { datasetId: d.id, name: d.name, versionId: v.id, files: await parquetFiles(lease.dir) };
}
