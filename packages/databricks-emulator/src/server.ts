import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import thrift from "thrift";
import { type ClusterEvent, ClusterRegistry, type ClusterSpec, type ClusterState } from "./clusters.ts";
import { CommandExecution } from "./command-execution.ts";
import { JobRuns } from "./jobs-api.ts";
import { createMountStore, type MountSpec } from "./mount-store.ts";
import { handleRest } from "./rest-api.ts";
import { SparkEngine, type SparkProcessOptions } from "./spark-engine.ts";
import { ThriftSqlService } from "./thrift-service.ts";
import { TCLIService } from "./thrift-types.ts";
import { createSelfSignedCert } from "./tls-cert.ts";

export type DatabricksEmulatorOptions = {
  /** 0 or omitted picks a free port. */
  port?: number;
  /** The only bearer token accepted by REST and Thrift. */
  token: string;
  /** Serve HTTPS with a fresh self-signed certificate (returned as `caCert`). */
  tls?: boolean;
  /**
   * Cluster-visible prefix -> a local folder, e.g. { "dbfs:/mnt/sous": "/tmp/x" }, or a Blob
   * container: { "dbfs:/mnt/sous": { blob: { connectionString, container, prefix? } } }.
   */
  mounts: Readonly<Record<string, MountSpec>>;
  /** How long a created or started cluster stays PENDING before it is RUNNING. */
  clusterStartDelayMs?: number;
  /** How long a deleted (or idle) cluster stays TERMINATING before it is TERMINATED. */
  clusterTerminateDelayMs?: number;
  /** Length of an emulated minute for autotermination_minutes (default 60000; tests shrink it). */
  minuteMs?: number;
  /** Spark's log lines (of a Spark process the emulator started itself). */
  onSparkLog?: (line: string) => void;
  /** Where the clusters' Spark comes from (default: see `setDefaultSparkProcess`). */
  spark?: SparkProcessOptions;
};

/** A failure to inject: the next `times` requests matching `path` (substring) get `status`. */
export type InjectedFault = { path: string; status: number; times?: number; errorCode?: string };

export type DatabricksEmulator = {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  host: string;
  port: number;
  /** PEM of the self-signed certificate when `tls` is on. */
  caCert?: string;
  stop(): Promise<void>;
  /** Every SQL statement received over Thrift, in arrival order. */
  statements: string[];
  /** The statements the client cancelled while they ran (CancelOperation), in order. */
  cancelled: string[];
  /** Creates a cluster without going through REST (for demos); returns its id. */
  createCluster(spec?: Partial<ClusterSpec>): string;
  clusterState(id: string): ClusterState | undefined;
  clusterEvents(id: string): ClusterEvent[];
  /** Statements running on the cluster right now. */
  activeStatements(id: string): number;
  /** Makes the next matching requests fail (e.g. 429 on clusters/create, 503 on the SQL path). */
  injectFault(fault: InjectedFault): void;
  /** Every request line received (method and path, never headers), for tests. */
  requests: string[];
};

const SQL_PATH = /^\/sql\/protocolv1\/o\/[^/]+\/([^/]+)\/?$/;

export async function startDatabricksEmulator(opts: DatabricksEmulatorOptions): Promise<DatabricksEmulator> {
  const host = "127.0.0.1";
  const statements: string[] = [];
  const cancelled: string[] = [];
  const requests: string[] = [];
  const faults: InjectedFault[] = [];
  const clusters = new ClusterRegistry({
    startDelayMs: opts.clusterStartDelayMs ?? 0,
    terminateDelayMs: opts.clusterTerminateDelayMs ?? 0,
    ...(opts.minuteMs !== undefined ? { minuteMs: opts.minuteMs } : {}),
  });
  const mirrorRoot = mkdtempSync(path.join(tmpdir(), "sous-dbx-emu-"));
  const mounts = createMountStore(opts.mounts, mirrorRoot);
  // Statements run on real Spark: a cluster start starts (or attaches to) it, so the first
  // cluster of an emulator pays Spark's cold start, as a real cluster start takes its time.
  const engine = new SparkEngine({
    mounts: mounts.table,
    ...(opts.onSparkLog ? { onLog: opts.onSparkLog } : {}),
    ...(opts.spark ? { spark: opts.spark } : {}),
  });
  const commands = new CommandExecution({ clusters, engine, mounts });
  clusters.setRuntime({
    start: (id, spec) => engine.startCluster(id, spec.spark_conf ?? {}),
    stop: (id) => {
      commands.clusterStopped(id);
      void engine.stopCluster(id);
    },
  });
  const jobs = new JobRuns({ clusters, engine, mounts });
  const service = new ThriftSqlService({ engine, mounts, clusters, statements, cancelled });
  // One processor per cluster, so the service knows which cluster a statement runs on.
  const processors = new Map<string, InstanceType<typeof TCLIService.Processor>>();
  const processorFor = (clusterId: string) => {
    let p = processors.get(clusterId);
    if (!p) {
      p = new TCLIService.Processor(service.handler(clusterId));
      processors.set(clusterId, p);
    }
    return p;
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      route(req, res, body).catch((e: unknown) => {
        sendJson(res, 500, {
          error_code: "INTERNAL_ERROR",
          message: e instanceof Error ? e.message : String(e),
        });
      });
    });
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? "/", `http://${host}`);
    requests.push(`${req.method} ${url.pathname}`);
    const fault = faults.find((f) => url.pathname.includes(f.path));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.times <= 0) faults.splice(faults.indexOf(fault), 1);
      const code =
        fault.errorCode ?? (fault.status === 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE");
      res.writeHead(fault.status, {
        "Content-Type": "application/json",
        "Retry-After": "1",
        "x-thriftserver-error-message": `${code}: injected by the test`,
      });
      res.end(JSON.stringify({ error_code: code, message: "Injected failure" }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${opts.token}`) {
      // Same wording as a workspace rejecting a PAT; the token itself is never echoed.
      sendJson(res, 401, {
        error_code: "UNAUTHENTICATED",
        message: "Credential was not sent or was of an unsupported type for this API.",
      });
      return;
    }
    const sqlMatch = SQL_PATH.exec(url.pathname);
    if (sqlMatch && req.method === "POST") {
      serveThrift(sqlMatch[1] ?? "", res, body);
      return;
    }
    if (url.pathname.startsWith("/api/")) {
      let json: unknown;
      try {
        json = body.length > 0 ? JSON.parse(body.toString("utf8")) : undefined;
      } catch {
        sendJson(res, 400, {
          error_code: "MALFORMED_REQUEST",
          message: "The request body is not valid JSON",
        });
        return;
      }
      const out = url.pathname.startsWith("/api/1.2/")
        ? await commands.handle(req.method ?? "GET", url.pathname.slice("/api/1.2/".length), url, json)
        : await handleRest({ clusters, mounts, jobs }, req.method ?? "GET", url, json);
      sendJson(res, out.status, out.body);
      return;
    }
    sendJson(res, 404, { error_code: "ENDPOINT_NOT_FOUND", message: `No API found for '${url.pathname}'` });
  };

  const serveThrift = (clusterId: string, res: http.ServerResponse, body: Buffer) => {
    const state = clusters.state(clusterId);
    if (!state) {
      res.writeHead(404, { "x-thriftserver-error-message": `RESOURCE_DOES_NOT_EXIST: Cluster ${clusterId}` });
      res.end();
      return;
    }
    if (state !== "RUNNING") {
      // Like Databricks: a query against a terminated cluster auto-starts it, and a starting
      // cluster answers 503 until it is up. The driver does not retry OpenSession on this.
      if (state === "TERMINATED") clusters.start(clusterId);
      res.writeHead(503, {
        "Retry-After": "1",
        "x-thriftserver-error-message": `TEMPORARILY_UNAVAILABLE: Cluster ${clusterId} is temporarily unavailable`,
      });
      res.end();
      return;
    }
    const receive = thrift.TBufferedTransport.receiver((transport) => {
      const input = new thrift.TBinaryProtocol(transport);
      const output = new thrift.TBinaryProtocol(
        new thrift.TBufferedTransport(undefined, (buf) => {
          res.writeHead(200, { "Content-Type": "application/x-thrift" });
          res.end(buf);
        }),
      );
      processorFor(clusterId).process(input, output);
    }, 0);
    receive(body);
  };

  let caCert: string | undefined;
  let server: http.Server | https.Server;
  if (opts.tls) {
    const { key, cert } = await createSelfSignedCert();
    caCert = cert;
    server = https.createServer({ key, cert }, onRequest);
  } else {
    server = http.createServer(onRequest);
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${opts.tls ? "https" : "http"}://${host}:${port}`,
    host,
    port,
    ...(caCert ? { caCert } : {}),
    statements,
    cancelled,
    requests,
    createCluster: (spec = {}) => clusters.create({ spark_version: "15.4.x-scala2.12", ...spec }),
    clusterState: (id) => clusters.state(id),
    clusterEvents: (id) => clusters.events(id),
    activeStatements: (id) => clusters.activeStatements(id),
    injectFault: (fault) => {
      faults.push({ ...fault });
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      jobs.stop();
      commands.stop();
      service.closeAll();
      await engine.stop();
      rmSync(mirrorRoot, { recursive: true, force: true });
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
