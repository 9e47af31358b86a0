// TCLIService handler: the RPCs @databricks/sql issues for a statement (see the research notes,
// §1.4/§1.10). Statements pass the emulator's guard (statement-guard.ts) and run asynchronously
// on the cluster's real Spark, so the driver's poll/cancel loop behaves as against a cluster.

import type { ClusterRegistry } from "./clusters.ts";
import type { MountStore } from "./mount-store.ts";
import { SessionConfigError, type SparkEngine } from "./spark-engine.ts";
import { guardStatement } from "./statement-guard.ts";
import { fromSparkResult, type QueryResult, toRowSet, toTableSchema } from "./thrift-results.ts";
import { errorStatus, handleKey, newHandleIdentifier, okStatus, T } from "./thrift-types.ts";

type Session = { spark: string; operations: Set<string> };

type Operation = {
  session: Session;
  statement: string;
  state: number; // TOperationState
  hasResultSet: boolean;
  result?: QueryResult;
  error?: { message: string; sqlState: string };
  cursor: number;
  /** The Spark tag the statement runs under, for CancelOperation. */
  tag: string;
  /** Settles when the statement is done on Spark (whatever its outcome). */
  done?: Promise<unknown>;
};

type HandleId = { guid: Buffer };
type WithSession = { sessionHandle: { sessionId: HandleId } };
type WithOperation = { operationHandle: { operationId: HandleId } };

// V4 makes the driver ask for column-based results and never send Arrow or native parameters.
const SERVER_PROTOCOL = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V4;
const MAX_PAGE_ROWS = 100_000;

export type ThriftServiceDeps = {
  engine: SparkEngine;
  mounts: MountStore;
  clusters: ClusterRegistry;
  statements: string[];
  /** Statements cancelled while running (CancelOperation), in order. */
  cancelled?: string[];
};

class StatementError extends Error {
  constructor(
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

export class ThriftSqlService {
  private readonly sessions = new Map<string, Session>();
  private readonly operations = new Map<string, Operation>();

  constructor(private readonly deps: ThriftServiceDeps) {}

  /**
   * Handler object for TCLIService.Processor. Every method must declare exactly one parameter:
   * the generated processor uses promise style only when `handler.X.length === 1` and otherwise
   * waits for a callback that would never come.
   */
  handler(clusterId: string) {
    return {
      OpenSession: (req: { configuration?: Record<string, string> | null }) =>
        this.openSession(req, clusterId),
      CloseSession: (req: WithSession) => this.closeSession(req),
      ExecuteStatement: (req: WithSession & { statement: string }) => this.executeStatement(req, clusterId),
      GetOperationStatus: (req: WithOperation) => this.getOperationStatus(req),
      GetResultSetMetadata: (req: WithOperation) => this.getResultSetMetadata(req),
      FetchResults: (req: WithOperation & { orientation?: number; maxRows?: { toNumber(): number } }) =>
        this.fetchResults(req),
      CancelOperation: (req: WithOperation) => this.cancelOperation(req),
      CloseOperation: (req: WithOperation) => this.closeOperation(req),
      GetInfo: async (_req: unknown) =>
        new T.TGetInfoResp({
          status: okStatus(),
          infoValue: new T.TGetInfoValue({ stringValue: "Sous Databricks emulator" }),
        }),
    };
  }

  closeAll(): void {
    for (const op of this.operations.values())
      if (op.state === T.TOperationState.RUNNING_STATE) void this.deps.engine.cancel(op.tag);
    for (const s of this.sessions.values()) void this.deps.engine.closeSession(s.spark);
    this.sessions.clear();
    this.operations.clear();
  }

  // A Spark session of its own: settings (OpenSession's `configuration`) and temp views are per
  // session on Databricks too.
  private async openSession(req: { configuration?: Record<string, string> | null }, clusterId: string) {
    let spark: string;
    try {
      spark = await this.deps.engine.openSession(
        this.deps.clusters.spec(clusterId)?.spark_conf ?? {},
        req.configuration ?? undefined,
      );
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return new T.TOpenSessionResp({
        status: errorStatus(message, e instanceof SessionConfigError ? "42K0I" : "XX000"),
        serverProtocolVersion: SERVER_PROTOCOL,
      });
    }
    const sessionId = newHandleIdentifier();
    this.sessions.set(handleKey(sessionId), { spark, operations: new Set() });
    return new T.TOpenSessionResp({
      status: okStatus(),
      serverProtocolVersion: SERVER_PROTOCOL,
      sessionHandle: new T.TSessionHandle({ sessionId }),
    });
  }

  private async closeSession(req: WithSession) {
    const key = handleKey(req.sessionHandle.sessionId);
    const session = this.sessions.get(key);
    if (session) {
      for (const opKey of session.operations) {
        const op = this.operations.get(opKey);
        if (op?.state === T.TOperationState.RUNNING_STATE) void this.deps.engine.cancel(op.tag);
        this.operations.delete(opKey);
      }
      this.sessions.delete(key);
      void this.deps.engine.closeSession(session.spark);
    }
    return new T.TCloseSessionResp({ status: okStatus() });
  }

  private async executeStatement(req: WithSession & { statement: string }, clusterId: string) {
    this.deps.statements.push(req.statement);
    const session = this.sessions.get(handleKey(req.sessionHandle.sessionId));
    if (!session) {
      return new T.TExecuteStatementResp({ status: errorStatus("Invalid SessionHandle", "HY000") });
    }
    // Spark rejects syntax errors before creating an operation; the emulator also refuses there
    // what it does not let reach Spark (fail closed).
    const guarded = guardStatement(req.statement, this.deps.mounts.table);
    if (!guarded.ok) {
      return new T.TExecuteStatementResp({ status: errorStatus(guarded.message, guarded.sqlState) });
    }

    const operationId = newHandleIdentifier();
    const key = handleKey(operationId);
    const op: Operation = {
      session,
      statement: req.statement,
      state: T.TOperationState.RUNNING_STATE,
      hasResultSet: guarded.hasResultSet,
      cursor: 0,
      tag: `op-${key}`,
    };
    this.operations.set(key, op);
    session.operations.add(key);
    // Busy-ness and autotermination idle time are counted per cluster, as Databricks does.
    const { clusters, mounts, engine } = this.deps;
    clusters.statementStarted(clusterId);
    const run = async (): Promise<QueryResult> => {
      await mounts.beforeRead(guarded.reads);
      if (op.state !== T.TOperationState.RUNNING_STATE)
        throw new StatementError("The operation was canceled", "HY008");
      const r = await engine.run(session.spark, guarded.sql, op.tag);
      if (!r.ok)
        throw new StatementError(r.message, r.sqlState ?? (r.errorClass === "CANCELLED" ? "HY008" : "XX000"));
      if (guarded.overwriteDirectory && op.state === T.TOperationState.RUNNING_STATE) {
        await mounts.afterWrite(guarded.overwriteDirectory);
      }
      return guarded.hasResultSet ? fromSparkResult(r.columns, r.rows) : { columns: [], rowCount: 0 };
    };
    const running = run();
    op.done = running.catch(() => undefined);
    running
      .finally(() => clusters.statementEnded(clusterId))
      .then(
        (result) => {
          if (op.state !== T.TOperationState.RUNNING_STATE) return; // canceled or closed meanwhile
          op.result = result;
          op.state = T.TOperationState.FINISHED_STATE;
        },
        (e: unknown) => {
          if (op.state !== T.TOperationState.RUNNING_STATE) return;
          op.state = T.TOperationState.ERROR_STATE;
          op.error =
            e instanceof StatementError
              ? { message: e.message, sqlState: e.sqlState }
              : { message: e instanceof Error ? e.message : String(e), sqlState: "XX000" };
        },
      );
    return new T.TExecuteStatementResp({
      status: okStatus(),
      operationHandle: new T.TOperationHandle({
        operationId,
        operationType: T.TOperationType.EXECUTE_STATEMENT,
        hasResultSet: guarded.hasResultSet,
      }),
    });
  }

  private async getOperationStatus(req: WithOperation) {
    const op = this.operations.get(handleKey(req.operationHandle.operationId));
    if (!op)
      return new T.TGetOperationStatusResp({ status: errorStatus("Invalid OperationHandle", "HY000") });
    return new T.TGetOperationStatusResp({
      status: okStatus(),
      operationState: op.state,
      hasResultSet: op.hasResultSet,
      ...(op.error
        ? { errorMessage: op.error.message, displayMessage: op.error.message, sqlState: op.error.sqlState }
        : {}),
    });
  }

  private async getResultSetMetadata(req: WithOperation) {
    const op = this.operations.get(handleKey(req.operationHandle.operationId));
    if (!op?.result) {
      return new T.TGetResultSetMetadataResp({ status: errorStatus("No result set is available", "HY000") });
    }
    return new T.TGetResultSetMetadataResp({
      status: okStatus(),
      schema: toTableSchema(op.result),
      resultFormat: T.TSparkRowSetType.COLUMN_BASED_SET, // required by the driver
      lz4Compressed: false,
    });
  }

  private async fetchResults(
    req: WithOperation & { orientation?: number; maxRows?: { toNumber(): number } },
  ) {
    const op = this.operations.get(handleKey(req.operationHandle.operationId));
    if (!op?.result) {
      return new T.TFetchResultsResp({ status: errorStatus("No result set is available", "HY000") });
    }
    if (req.orientation === T.TFetchOrientation.FETCH_FIRST) op.cursor = 0;
    const requested = req.maxRows?.toNumber() ?? MAX_PAGE_ROWS;
    const count = Math.max(0, Math.min(requested, MAX_PAGE_ROWS, op.result.rowCount - op.cursor));
    const results = toRowSet(op.result, op.cursor, count);
    op.cursor += count;
    // The driver keeps fetching while a page had rows, so the last page must come back empty.
    return new T.TFetchResultsResp({
      status: okStatus(),
      hasMoreRows: op.cursor < op.result.rowCount,
      results,
    });
  }

  private async cancelOperation(req: WithOperation) {
    const op = this.operations.get(handleKey(req.operationHandle.operationId));
    if (op?.state === T.TOperationState.RUNNING_STATE) {
      op.state = T.TOperationState.CANCELED_STATE;
      this.deps.cancelled?.push(op.statement);
      if (op.done) this.deps.engine.cancelUntil(op.tag, op.done);
    }
    return new T.TCancelOperationResp({ status: okStatus() });
  }

  private async closeOperation(req: WithOperation) {
    const key = handleKey(req.operationHandle.operationId);
    const op = this.operations.get(key);
    if (op) {
      if (op.state === T.TOperationState.RUNNING_STATE && op.done)
        this.deps.engine.cancelUntil(op.tag, op.done);
      op.state = T.TOperationState.CLOSED_STATE;
      op.session.operations.delete(key);
      this.operations.delete(key);
    }
    return new T.TCloseOperationResp({ status: okStatus() });
  }
}
