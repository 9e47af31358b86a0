import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import thrift from "thrift";
import { ClusterRegistry, type ClusterSpec } from "./clusters.ts";
import { DuckDbEngine } from "./duckdb-engine.ts";
import type { MountTable } from "./mounts.ts";
import { handleRest } from "./rest-api.ts";
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
  /** Cluster-visible prefix -> absolute local folder, e.g. { "dbfs:/mnt/sous": "/tmp/x" }. */
  mounts: MountTable;
  /** How long a created or started cluster stays PENDING before it is RUNNING. */
  clusterStartDelayMs?: number;
};

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
  /** Creates a cluster without going through REST (for demos); returns its id. */
  createCluster(spec?: Partial<ClusterSpec>): string;
};

const SQL_PATH = /^\/sql\/protocolv1\/o\/[^/]+\/([^/]+)\/?$/;

export async function startDatabricksEmulator(opts: DatabricksEmulatorOptions): Promise<DatabricksEmulator> {
  const host = "127.0.0.1";
  const statements: string[] = [];
  const clusters = new ClusterRegistry(opts.clusterStartDelayMs ?? 0);
  const engine = await DuckDbEngine.create();
  const service = new ThriftSqlService({ engine, mounts: opts.mounts, statements });
  const processor = new TCLIService.Processor(service.handler());

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        route(req, res, body);
      } catch (e) {
        sendJson(res, 500, {
          error_code: "INTERNAL_ERROR",
          message: e instanceof Error ? e.message : String(e),
        });
      }
    });
  };

  const route = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? "/", `http://${host}`);
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
      const out = handleRest(clusters, req.method ?? "GET", url, json);
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
      processor.process(input, output);
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
    createCluster: (spec = {}) => clusters.create({ spark_version: "15.4.x-scala2.12", ...spec }),
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      service.closeAll();
      engine.close();
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
