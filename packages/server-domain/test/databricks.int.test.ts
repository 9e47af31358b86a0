import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { createSecretBox } from "@sous/config";
import {
  type ConnectionConfig,
  connectionSecretContext,
  DEMO_CONNECTION_NAME,
  MissingDatabricksTokenError,
  UNMOUNTED_CLUSTER_PREFIX,
  userTokenContext,
} from "@sous/databricks";
import { createDb, type Db } from "@sous/db";
import { createLocalStorage } from "@sous/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterPathResolver, loadRemoteEngine, upsertDemoConnection } from "../src/index.ts";

// The Databricks rules that read Postgres (moved here so that @sous/databricks does no database
// I/O): the rows a remote activity runs with, the mount a recipe's displayed SQL reads through,
// and the demo connection. No workspace is called: building an engine makes no request.
const databaseUrl = process.env.SOUS_TEST_DATABASE_URL ?? "";
const KEY = randomBytes(32).toString("base64");

describe.skipIf(!databaseUrl)("Databricks settings in Postgres", () => {
  let db: Db;
  let projectId: string;
  const connectionId = `sdx${randomBytes(6).toString("hex")}`;
  let profileId: string;
  let userId: string;
  const box = createSecretBox(KEY);
  const storage = createLocalStorage({ root: tmpdir() });
  const config: ConnectionConfig = {
    workspaceUrl: "https://adb-1234567890123456.7.azuredatabricks.net",
    isolation: "service",
    storagePrefix: "abfss://lake@acct.dfs.core.windows.net/sous/",
    storage: { kind: "installation" },
    tokenLast4: "abcd",
  };

  beforeAll(async () => {
    db = createDb({ databaseUrl });
    projectId = (
      await db.project.create({
        data: { key: `SX${randomBytes(3).toString("hex").toUpperCase()}`, name: "x" },
      })
    ).id;
    const secret = box.seal(JSON.stringify({ token: "dapi-service" }), connectionSecretContext(connectionId));
    await db.connection.create({
      data: { id: connectionId, kind: "databricks", name: connectionId, config, secret },
    });
    profileId = (
      await db.computeProfile.create({
        data: { connectionId, name: "small", spec: { spark_version: "15.4.x-scala2.12", num_workers: 1 } },
      })
    ).id;
    userId = (
      await db.user.create({ data: { email: `${connectionId}@sous.test`, name: "U", passwordHash: "x" } })
    ).id;
  });
  afterAll(async () => {
    await db?.project.deleteMany({ where: { id: projectId } });
    await db?.connection.deleteMany({ where: { id: connectionId } });
    await db?.user.deleteMany({ where: { id: userId } });
  });

  const load = (uid: string | null) =>
    loadRemoteEngine({
      db,
      secretBox: box,
      connectionId,
      profileId,
      userId: uid,
      installationStorage: storage,
      dataDir: tmpdir(),
    });

  it("loads the connection and its profile into an engine", async () => {
    const engine = await load(null);
    expect(engine.connectionName).toBe(connectionId);
    expect(engine.profile).toMatchObject({
      id: profileId,
      name: "small",
      maxClusters: 2,
      maxActiveStatements: 4,
    });
    expect(engine.mapping).toEqual({ clusterPrefix: "abfss://lake@acct.dfs.core.windows.net/sous" });
    expect(engine.mountStorage).toBe(storage);
  });

  it("per-user isolation reads the job's user's own stored token", async () => {
    await db.connection.update({
      where: { id: connectionId },
      data: { config: { ...config, isolation: "per-user" } },
    });
    try {
      await expect(load(userId)).rejects.toBeInstanceOf(MissingDatabricksTokenError);
      await db.userConnectionSecret.create({
        data: {
          userId,
          connectionId,
          secret: box.seal("dapi-user", userTokenContext(connectionId, userId)),
          last4: "user",
        },
      });
      expect((await load(userId)).connectionId).toBe(connectionId);
    } finally {
      await db.connection.update({ where: { id: connectionId }, data: { config } });
    }
  });

  it("says which row is gone", async () => {
    await expect(
      loadRemoteEngine({
        db,
        secretBox: box,
        connectionId,
        profileId: "no-such-profile",
        userId: null,
        installationStorage: storage,
        dataDir: tmpdir(),
      }),
    ).rejects.toThrow(`The compute profile of connection "${connectionId}" was deleted.`);
  });

  it("shows cluster paths through the recipe's connection, else the project's, else a placeholder", async () => {
    const key = "projects/p/datasets/d/versions/v";
    const onConnection = { kind: "databricks", connectionId, profileId };
    expect((await clusterPathResolver(db, { projectId }))(key)).toBe(`${UNMOUNTED_CLUSTER_PREFIX}/${key}`);
    expect((await clusterPathResolver(db, { projectId, recipeEngine: onConnection }))(key)).toBe(
      `abfss://lake@acct.dfs.core.windows.net/sous/${key}`,
    );
    await db.project.update({ where: { id: projectId }, data: { engine: onConnection } });
    expect((await clusterPathResolver(db, { projectId, recipeEngine: { kind: "local" } }))(key)).toBe(
      `abfss://lake@acct.dfs.core.windows.net/sous/${key}`,
    );
    const gone = { kind: "databricks", connectionId: "deleted", profileId };
    await db.project.update({ where: { id: projectId }, data: { engine: gone } });
    expect((await clusterPathResolver(db, { projectId }))(key)).toBe(`${UNMOUNTED_CLUSTER_PREFIX}/${key}`);
  });

  it("registers the demo connection once and refreshes its token at each start", async () => {
    const existed = await db.connection.findUnique({ where: { name: DEMO_CONNECTION_NAME } });
    const first = await upsertDemoConnection({
      db,
      secretKey: KEY,
      workspaceUrl: "http://127.0.0.1:1",
      token: "dapi-one",
    });
    const again = await upsertDemoConnection({
      db,
      secretKey: KEY,
      workspaceUrl: "http://127.0.0.1:2",
      token: "dapi-two",
    });
    try {
      expect(again).toEqual(first);
      const row = await db.connection.findUniqueOrThrow({ where: { id: first.connectionId } });
      expect(row.config).toMatchObject({ workspaceUrl: "http://127.0.0.1:2", tokenLast4: "-two" });
      expect(JSON.parse(box.open(row.secret!, connectionSecretContext(first.connectionId)))).toEqual({
        token: "dapi-two",
      });
      expect(await db.computeProfile.count({ where: { connectionId: first.connectionId } })).toBe(1);
    } finally {
      // Someone's own demo connection (a shared database) stays.
      if (!existed) await db.connection.delete({ where: { id: first.connectionId } });
    }
  });
});
