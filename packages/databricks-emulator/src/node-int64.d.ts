// node-int64 ships no types. Only what the emulator touches is declared; the driver's generated
// Thrift code uses the same class for every i64 field.
declare module "node-int64" {
  class Int64 {
    constructor(value: number | Buffer | string, low?: number);
    readonly buffer: Buffer;
    toNumber(allowImprecise?: boolean): number;
  }
  export = Int64;
}
