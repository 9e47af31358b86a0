import path from "node:path";
import { text } from "node:stream/consumers";
import type { Db } from "@sous/db";
import { MlDesignSchema, ownRuntimeReason, type PortableModel, PortableModelSchema } from "@sous/ml";
import type { PythonModel } from "@sous/ml-local";
import { type DeployedVersion, hashServiceKey, loadApiSnapshot } from "@sous/server-domain/api-services";
import type { DatasetStorage } from "@sous/storage";

// What the API node serves, as one immutable value (Routes) that a reload replaces in a single
// assignment: a request reads `registry.routes` once and keeps that snapshot to its end, so a
// reload never changes what a running request sees and never makes one wait.

/**
 * A deployed version as the node scores it: in-process from its portable form, or through the
 * Python scoring pool from its pickle (kept on local disk by a storage lease while it is deployed).
 */
export type LoadedModel =
  | { ok: true; runtime: "portable"; model: PortableModel }
  | { ok: true; runtime: "python"; model: PythonModel; release(): Promise<void> }
  | { ok: false; status: 501 | 503; code: string; message: string };

export interface RoutedVersion extends DeployedVersion {
  loaded: LoadedModel;
}

export interface RoutedEndpoint {
  id: string;
  name: string;
  logSampleRate: number;
  versions: RoutedVersion[];
  totalWeight: number;
}

export interface RoutedService {
  id: string;
  name: string;
  public: boolean;
  keyHashes: ReadonlySet<string>;
  endpoints: ReadonlyMap<string, RoutedEndpoint>;
}

export interface Routes {
  services: ReadonlyMap<string, RoutedService>;
  loadedAt: Date;
}

export class Registry {
  routes: Routes | null = null;
  /** Portable models by version id: versions are immutable, so a model is read from storage once. */
  private readonly models = new Map<string, Promise<LoadedModel>>();
  private running: Promise<void> | null = null;
  private again = false;
  reloads = 0;

  constructor(
    private readonly db: Db,
    private readonly storage: DatasetStorage,
    private readonly onError: (e: Error) => void = () => {},
  ) {}

  /**
   * Loads every deployment and swaps them in. Reloads never overlap: one asked for while another
   * runs happens right after it (so the last change is always seen), and several asks collapse.
   */
  reload(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.loadOnce();
          } catch (e) {
            // Postgres unreachable: keep serving what we have; the next notification or poll retries.
            this.onError(e as Error);
            if (!this.routes) throw e;
          }
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async loadOnce(): Promise<void> {
    const snapshot = await loadApiSnapshot(this.db);
    const services = new Map<string, RoutedService>();
    const live = new Set<string>();
    for (const s of snapshot.services) {
      const endpoints = new Map<string, RoutedEndpoint>();
      for (const e of s.endpoints) {
        const versions = await Promise.all(
          e.deployments.map(async (d) => {
            live.add(d.versionId);
            return { ...d, loaded: await this.model(d) };
          }),
        );
        endpoints.set(e.name, {
          id: e.id,
          name: e.name,
          logSampleRate: e.logSampleRate,
          versions,
          totalWeight: versions.reduce((a, v) => a + v.weight, 0),
        });
      }
      services.set(s.name, {
        id: s.id,
        name: s.name,
        public: s.public,
        keyHashes: new Set(s.keyHashes),
        endpoints,
      });
    }
    this.routes = { services, loadedAt: new Date() };
    this.reloads++;
    for (const [id, loaded] of this.models)
      if (!live.has(id)) {
        this.models.delete(id);
        void loaded.then((m) => (m.ok && m.runtime === "python" ? m.release() : undefined));
      }
  }

  private model(d: DeployedVersion): Promise<LoadedModel> {
    let p = this.models.get(d.versionId);
    if (!p) {
      p = this.readModel(d);
      this.models.set(d.versionId, p);
      // A storage hiccup must not stick: a failed read is tried again at the next reload.
      void p.then((r) => {
        if (!r.ok && r.status === 503) this.models.delete(d.versionId);
      });
    }
    return p;
  }

  private async readModel(d: DeployedVersion): Promise<LoadedModel> {
    const label = `version ${d.number} of saved model ${d.savedModelName}`;
    if (!d.portableKey) return this.readPickle(d, label);
    try {
      const json = JSON.parse(await text(await this.storage.getStream(d.portableKey)));
      const model = PortableModelSchema.parse(json);
      // Tf-idf features have no TypeScript scorer: such a model scores through its pickle.
      if (ownRuntimeReason(model.features)) return this.readPickle(d, label);
      return { ok: true, runtime: "portable", model };
    } catch (e) {
      this.onError(new Error(`${label}: cannot load ${d.portableKey}: ${(e as Error).message}`));
      return { ok: false, status: 503, code: "unavailable", message: `${label} could not be loaded` };
    }
  }

  /** A model without a portable form: its scikit-learn pickle, scored by the Python pool. */
  private async readPickle(d: DeployedVersion, label: string): Promise<LoadedModel> {
    const design = MlDesignSchema.safeParse(d.design);
    if (!d.artifactKey.endsWith(".pkl") || !design.success)
      return {
        ok: false,
        status: 501,
        code: "not_implemented",
        message: `${label} has no portable form and no scikit-learn pipeline this node can load: deploy a model trained locally, or one with a portable form`,
      };
    const folder = `${path.posix.dirname(d.artifactKey)}/`;
    try {
      const lease = await this.storage.acquire(folder);
      return {
        ok: true,
        runtime: "python",
        model: {
          pickle: path.join(lease.dir, path.posix.basename(d.artifactKey)),
          task: design.data.task,
          classes: Array.isArray(d.classes) ? (d.classes as (string | number | boolean)[]) : null,
          // The pipeline's columns: the design's included features, in its order (as the trainer read them).
          features: design.data.features
            .filter((f) => f.include)
            .map((f) => ({ name: f.name, type: f.type })),
        },
        release: () => lease.release(),
      };
    } catch (e) {
      this.onError(new Error(`${label}: cannot load ${d.artifactKey}: ${(e as Error).message}`));
      return { ok: false, status: 503, code: "unavailable", message: `${label} could not be loaded` };
    }
  }
}

export function authorized(service: RoutedService, authorization: string | undefined): boolean {
  if (service.public) return true;
  if (!authorization) return false;
  // A client sends the same header on every call: its key's hash is remembered (sha256 per request
  // was 2-3% of the node's CPU under load). The check against the service's current hashes is made
  // every time, so a revoked key stops at the next reload. Bounded: emptied when full.
  let hash = keyHashByHeader.get(authorization);
  if (hash === undefined) {
    const key = apiKeyFrom(authorization);
    hash = key === null ? null : hashServiceKey(key);
    if (keyHashByHeader.size >= MAX_REMEMBERED_KEYS) keyHashByHeader.clear();
    keyHashByHeader.set(authorization, hash);
  }
  return hash !== null && service.keyHashes.has(hash);
}

const MAX_REMEMBERED_KEYS = 1024;
const keyHashByHeader = new Map<string, string | null>();

/** DSS clients send the key as the Basic user name with an empty password; others as a bearer token. */
function apiKeyFrom(header: string | undefined): string | null {
  if (!header) return null;
  const space = header.indexOf(" ");
  if (space < 0) return null;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value || null;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return (colon < 0 ? decoded : decoded.slice(0, colon)) || null;
  }
  return null;
}

/** Picks a version by weight: `r` in [0, 1). */
export function pickVersion(endpoint: RoutedEndpoint, r: number): RoutedVersion | undefined {
  let left = r * endpoint.totalWeight;
  for (const v of endpoint.versions) {
    left -= v.weight;
    if (left < 0) return v;
  }
  return endpoint.versions[endpoint.versions.length - 1];
}
