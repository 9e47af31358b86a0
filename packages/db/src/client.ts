import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = InstanceType<typeof PrismaClient>;

/** One Prisma client per process and URL; Next's dev reloads would otherwise open a pool per reload. */
const cache = globalThis as unknown as { __sousPrisma?: Map<string, Db> };

export function createDb(opts: { databaseUrl: string; poolSize?: number }): Db {
  cache.__sousPrisma ??= new Map();
  const key = `${opts.databaseUrl}#${opts.poolSize ?? 10}`;
  const existing = cache.__sousPrisma.get(key);
  if (existing) return existing;
  const db = new PrismaClient({
    adapter: new PrismaPg({ connectionString: opts.databaseUrl, max: opts.poolSize ?? 10 }),
  });
  cache.__sousPrisma.set(key, db);
  return db;
}
