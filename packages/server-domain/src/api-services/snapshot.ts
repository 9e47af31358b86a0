import type { Db } from "@sous/db";

/** A saved model version as an endpoint serves it. */
export interface DeployedVersion {
  versionId: string;
  number: number;
  savedModelId: string;
  savedModelName: string;
  task: string;
  /** Storage key of the portable model; null when the model has none (not servable in-process). */
  portableKey: string | null;
  /** Storage key of the fitted pipeline (a scikit-learn pickle, or an MLlib model folder). */
  artifactKey: string;
  /** Class labels (classifiers), as the training's result lists them. */
  classes: unknown;
  /** The training's design (@sous/ml MlDesign, unparsed), null once the training is deleted. */
  design: unknown;
  weight: number;
}

export interface ServedEndpoint {
  id: string;
  name: string;
  logSampleRate: number;
  deployments: DeployedVersion[];
}

export interface ServedService {
  id: string;
  projectId: string;
  name: string;
  public: boolean;
  endpoints: ServedEndpoint[];
  /** sha256 of every key not revoked. */
  keyHashes: string[];
}

export interface ApiSnapshot {
  services: ServedService[];
}

/** Every service with its endpoints, deployments and live keys, in one consistent read. */
export async function loadApiSnapshot(db: Db): Promise<ApiSnapshot> {
  // One transaction at REPEATABLE READ: Prisma reads the nested relations in several queries,
  // and a deployment switched between two of them must not give a half-old, half-new picture.
  const rows = await db.$transaction(
    (tx) =>
      tx.apiService.findMany({
        orderBy: { name: "asc" },
        include: {
          keys: { where: { revokedAt: null }, select: { keyHash: true } },
          endpoints: {
            orderBy: { name: "asc" },
            include: {
              deployments: {
                orderBy: { createdAt: "asc" },
                include: {
                  savedModelVersion: {
                    include: {
                      savedModel: { select: { id: true, name: true } },
                      training: { select: { design: true } },
                    },
                  },
                },
              },
            },
          },
        },
      }),
    { isolationLevel: "RepeatableRead" },
  );
  return {
    services: rows.map((s) => ({
      id: s.id,
      projectId: s.projectId,
      name: s.name,
      public: s.public,
      keyHashes: s.keys.map((k) => k.keyHash),
      endpoints: s.endpoints.map((e) => ({
        id: e.id,
        name: e.name,
        logSampleRate: e.logSampleRate,
        deployments: e.deployments.map((d) => ({
          versionId: d.savedModelVersionId,
          number: d.savedModelVersion.number,
          savedModelId: d.savedModelVersion.savedModel.id,
          savedModelName: d.savedModelVersion.savedModel.name,
          task: d.savedModelVersion.task,
          portableKey: d.savedModelVersion.portableKey,
          artifactKey: d.savedModelVersion.artifactKey,
          classes: d.savedModelVersion.classes,
          design: d.savedModelVersion.training?.design ?? null,
          weight: d.weight,
        })),
      })),
    })),
  };
}
