// TCLIService handler: the RPCs @databricks/sql issues for a statement (see the research notes,
// §1.4/§1.10). Statements are validated as SparkSQL, translated, and run asynchronously on DuckDB
// so the driver's poll/cancel loop behaves as it does against a real cluster.

import { SparkLexError } from "@sous/compiler/spark-lexer";
import { SparkSQL } from "dt-sql-parser";
import type { ClusterRegistry } from "./clusters.ts";
import type { DuckDbEngine, EngineSession, QueryResult } from "./duckdb-engine.ts";
import { EngineError } from "./duckdb-engine.ts";
import type { MountStore } from "./mount-store.ts";
import { TranslationError, translateSparkToDuckDb } from "./spark-to-duckdb.ts";
import { toRowSet, toTableSchema } from "./thrift-results.ts";
import { errorStatus, handleKey, newHandleIdentifier, okStatus, T } from "./thrift-types.ts";

type Session = { engine: EngineSession; operations: Set<string> };

type Operation = {
  session: Session;
  statement: string;
  state: number; // TOperationState
  hasResultSet: boolean;
  result?: QueryResult;
  error?: { message: string; sqlState: string };
  cursor: number;
};

type HandleId = { guid: Buffer };
type WithSession = { sessionHandle: { sessionId: HandleId } };
type WithOperation = { operationHandle: { operationId: HandleId } };

// V4 makes the driver ask for column-based results and never send Arrow or native parameters.
const SERVER_PROTOCOL = T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V4;
const MAX_PAGE_ROWS = 100_000;

export type ThriftServiceDeps = {
  engine: DuckDbEngine;
  mounts: MountStore;
  clusters: ClusterRegistry;
  statements: string[];
  /** Statements cancelled while running (CancelOperation), in order. */
  cancelled?: string[];
};

export class ThriftSqlService {
  private readonly sessions = new Map<string, Session>();
  private readonly operations = new Map<string, Operation>();
  private readonly parser = new SparkSQL();

  constructor(private readonly deps: ThriftServiceDeps) {}

  /**
   * Handler object for TCLIService.Processor. Every method must declare exactly one parameter:
   * the generated processor uses promise style only when `handler.X.length === 1` and otherwise
   * waits for a callback that would never come.
   */
  handler(clusterId: string) {
    return {
      OpenSession: (_req: unknown) => this.openSession(),
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
    for (const s of this.sessions.values()) {
      s.engine.interrupt();
      s.engine.close();
    }
    this.sessions.clear();
    this.operations.clear();
  }

  private async openSession() {
    const sessionId = newHandleIdentifier();
    this.sessions.set(handleKey(sessionId), {
      engine: await this.deps.engine.openSession(),
      operations: new Set(),
    });
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
      for (const op of session.operations) this.operations.delete(op);
      session.engine.close();
      this.sessions.delete(key);
    }
    return new T.TCloseSessionResp({ status: okStatus() });
  }

  private async executeStatement(req: WithSession & { statement: string }, clusterId: string) {
    this.deps.statements.push(req.statement);
    const session = this.sessions.get(handleKey(req.sessionHandle.sessionId));
    if (!session) {
      return new T.TExecuteStatementResp({ status: errorStatus("Invalid SessionHandle", "HY000") });
    }
    // Spark rejects syntax errors before creating an operation; so does the emulator.
    const syntaxError = this.parser.validate(req.statement)[0];
    if (syntaxError) {
      const message =
        `[PARSE_SYNTAX_ERROR] Syntax error at or near line ${syntaxError.startLine}, ` +
        `position ${syntaxError.startColumn}: ${syntaxError.message}. SQLSTATE: 42601`;
      return new T.TExecuteStatementResp({ status: errorStatus(message, "42601") });
    }
    let plan: ReturnType<typeof translateSparkToDuckDb>;
    try {
      plan = translateSparkToDuckDb(req.statement, this.deps.mounts.table);
    } catch (e) {
      if (e instanceof TranslationError) {
        return new T.TExecuteStatementResp({ status: errorStatus(e.message, e.sqlState) });
      }
      if (e instanceof SparkLexError) {
        return new T.TExecuteStatementResp({
          status: errorStatus(`[PARSE_SYNTAX_ERROR] ${e.message}`, "42601"),
        });
      }
      throw e;
    }

    const operationId = newHandleIdentifier();
    const key = handleKey(operationId);
    const op: Operation = {
      session,
      statement: req.statement,
      state: T.TOperationState.RUNNING_STATE,
      hasResultSet: plan.hasResultSet,
      cursor: 0,
    };
    this.operations.set(key, op);
    session.operations.add(key);
    // Busy-ness and autotermination idle time are counted per cluster, as Databricks does.
    const { clusters, mounts } = this.deps;
    clusters.statementStarted(clusterId);
    const run = async () => {
      await mounts.beforeRead(plan.reads);
      if (op.state !== T.TOperationState.RUNNING_STATE) {
        throw new EngineError("The operation was canceled", "HY008");
      }
      const result = await session.engine.execute(plan);
      if (plan.overwriteDirectory && op.state === T.TOperationState.RUNNING_STATE) {
        await mounts.afterWrite(plan.overwriteDirectory);
      }
      return result;
    };
    run()
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
            e instanceof EngineError
              ? { message: e.message, sqlState: e.sqlState }
              : { message: e instanceof Error ? e.message : String(e), sqlState: "XX000" };
        },
      );
    return new T.TExecuteStatementResp({
      status: okStatus(),
      operationHandle: new T.TOperationHandle({
        operationId,
        operationType: T.TOperationType.EXECUTE_STATEMENT,
        hasResultSet: plan.hasResultSet,
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
      op.session.engine.interrupt();
    }
    return new T.TCancelOperationResp({ status: okStatus() });
  }

  private async closeOperation(req: WithOperation) {
    const key = handleKey(req.operationHandle.operationId);
    const op = this.operations.get(key);
    if (op) {
      if (op.state === T.TOperationState.RUNNING_STATE) op.session.engine.interrupt();
      op.state = T.TOperationState.CLOSED_STATE;
      op.session.operations.delete(key);
      this.operations.delete(key);
    }
    return new T.TCloseOperationResp({ status: okStatus() });
  }
}
