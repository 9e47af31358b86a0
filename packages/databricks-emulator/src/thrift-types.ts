/// <reference path="./node-int64.d.ts" />
// The generated TCLIService code (processor + types) ships inside @databricks/sql; reusing it
// guarantees the emulator speaks exactly the struct layout the real driver expects, including
// the Databricks extension fields (ids 1281+).
import { randomUUID } from "node:crypto";
import { thrift as databricksThrift } from "@databricks/sql";
import Int64 from "node-int64";

export const TCLIService = databricksThrift.TCLIService;
export const T = databricksThrift.TCLIService_types;
export { Int64 };

export const okStatus = () => new T.TStatus({ statusCode: T.TStatusCode.SUCCESS_STATUS });

export const errorStatus = (message: string, sqlState: string) =>
  new T.TStatus({
    statusCode: T.TStatusCode.ERROR_STATUS,
    errorMessage: message,
    displayMessage: message,
    sqlState,
  });

// The driver runs uuid.stringify() on handle GUIDs, so they must be valid RFC-4122 UUIDs.
const uuidBytes = () => Buffer.from(randomUUID().replaceAll("-", ""), "hex");

export const newHandleIdentifier = () => new T.THandleIdentifier({ guid: uuidBytes(), secret: uuidBytes() });

export const handleKey = (id: { guid: Buffer }) => id.guid.toString("hex");

export function bigintToInt64(value: bigint): InstanceType<typeof Int64> {
  const buf = Buffer.alloc(8);
  // writeBigInt64BE throws a RangeError for values outside i64, e.g. a huge HUGEINT sum.
  buf.writeBigInt64BE(value);
  return new Int64(buf);
}
