// The saved model a score recipe scores with, as the worker (builds) and the studio (preview,
// save checks) load it: the ACTIVE version and its portable JSON from storage. One loader so a
// preview and a build score with the same version.
import { AppError } from "@sous/contracts";
import type { Db } from "@sous/db";
import type { DatasetStorage } from "@sous/storage";
import { runtimeOf, type ScoringRuntime } from "./scoring-runtime.ts";

export type { ScoringRuntime };

export interface ScoringModel {
  savedModelId: string;
  savedModelName: string;
  versionId: string;
  versionNumber: number;
  /** The PortableModel JSON (validated by the compiler), or null when the version has none. */
  portable: unknown | null;
  /** Without a portable form: how it scores instead (see runtimeOf). */
  runtime?: ScoringRuntime;
}

/**
 * A score or evaluate recipe's saved model id, or null for other specs (read loosely: stored
 * JSON). Their outputs are built by the model's active version: activating another outdates them.
 */
export function scoredModelId(spec: unknown): string | null {
  const s = spec as { kind?: unknown; params?: { savedModelId?: unknown } } | null;
  return (s?.kind === "score" || s?.kind === "evaluate") && typeof s.params?.savedModelId === "string"
    ? s.params.savedModelId
    : null;
}

/** The active version id of each saved model of a project (null: none deployed yet). */
export async function activeModelVersions(db: Db, projectId: string): Promise<Map<string, string | null>> {
  const rows = await db.savedModel.findMany({
    where: { projectId },
    select: { id: true, activeVersionId: true },
  });
  return new Map(rows.map((r) => [r.id, r.activeVersionId]));
}

async function readText(storage: DatasetStorage, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.getStream(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The saved model's active version with its portable JSON. A missing saved model or one with no
 * active version is a user-fixable error naming it; a version without a portable form loads with
 * `portable: null` and its `runtime` (the worker scores it with scikit-learn; the compiler gives
 * its output schema and says which engine runs it).
 */
export async function loadScoringModel(
  db: Db,
  storage: DatasetStorage,
  projectId: string,
  savedModelId: string,
): Promise<ScoringModel> {
  const m = await db.savedModel.findFirst({
    where: { id: savedModelId, projectId },
    select: {
      id: true,
      name: true,
      activeVersion: {
        select: {
          id: true,
          number: true,
          portableKey: true,
          task: true,
          classes: true,
          artifactKey: true,
          training: { select: { design: true } },
        },
      },
    },
  });
  if (!m)
    throw new AppError(
      "invalid_input",
      "The saved model of this score recipe no longer exists: pick another saved model.",
    );
  const v = m.activeVersion;
  if (!v)
    throw new AppError(
      "conflict",
      `Saved model ${m.name} has no active version: deploy a model to it or activate a version in the Lab.`,
    );
  let portable: unknown | null = null;
  if (v.portableKey) {
    try {
      portable = JSON.parse(await readText(storage, v.portableKey));
    } catch (e) {
      throw new AppError(
        "unavailable",
        `The portable form of saved model ${m.name} (version ${v.number}) cannot be read: ${(e as Error).message}`,
      );
    }
  }
  // Tf-idf features have no SQL form (@sous/ml ownRuntimeReason): such a version scores through
  // its runtime, as one without a portable form does.
  const features = (portable as { features?: unknown } | null)?.features;
  const ownRuntime =
    Array.isArray(features) && features.some((f) => (f as { type?: unknown } | null)?.type === "text");
  return {
    savedModelId: m.id,
    savedModelName: m.name,
    versionId: v.id,
    versionNumber: v.number,
    portable: ownRuntime ? null : portable,
    ...(v.portableKey && !ownRuntime ? {} : { runtime: runtimeOf(v) }),
  };
}
