import "server-only";
import { randomInt } from "node:crypto";
import { type AdminUser, AppError, type User } from "@sous/contracts";
import { isUniqueViolation } from "@sous/db";
import { hashPassword } from "../auth/password.ts";
import { hashToken } from "../auth/tokens.ts";
import { ctx } from "../context.ts";

// One advisory lock for every change that can take away an active administrator, so two of
// them running at once cannot each see "another admin remains" and together leave none.
const LAST_ADMIN_LOCK = 7316003;

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: "ADMIN" | "USER";
  disabledAt: Date | null;
  createdAt: Date;
};

function toAdminUser(u: UserRow): AdminUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

export async function createUser(input: {
  email: string;
  name: string;
  password: string;
  role: "ADMIN" | "USER";
}): Promise<AdminUser> {
  try {
    const u = await ctx().db.user.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
      },
    });
    return toAdminUser(u);
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("conflict", `A user with email ${input.email} already exists.`);
    throw e;
  }
}

export async function listUsers(): Promise<AdminUser[]> {
  const rows = await ctx().db.user.findMany({ orderBy: { email: "asc" } });
  return rows.map(toAdminUser);
}

/**
 * Changes a user's global role and/or disables or enables the account. No change may leave the
 * studio without an active administrator (nobody could manage users any more): that is a 409.
 * Disabling ends the user's sessions; their API keys are refused while the account is disabled
 * and work again once it is enabled (a suspension should not break every script for good).
 */
export async function updateUser(
  userId: string,
  input: { role?: "ADMIN" | "USER"; disabled?: boolean },
  caller: User,
): Promise<AdminUser> {
  return ctx().db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LAST_ADMIN_LOCK})`);
    const u = await tx.user.findUnique({ where: { id: userId } });
    if (!u) throw new AppError("not_found", "No user with this id.");
    const role = input.role ?? u.role;
    const disabled = input.disabled ?? u.disabledAt !== null;
    const wasActiveAdmin = u.role === "ADMIN" && u.disabledAt === null;
    if (wasActiveAdmin && (role !== "ADMIN" || disabled)) {
      const others = await tx.user.count({
        where: { role: "ADMIN", disabledAt: null, id: { not: userId } },
      });
      if (others === 0) {
        const who = u.id === caller.id ? "You are" : `${u.email} is`;
        const what = disabled ? "Disabling" : "Removing the administrator role from";
        throw new AppError(
          "conflict",
          `${who} the last active administrator. ${what} ${u.id === caller.id ? "your account" : "this account"} would leave nobody able to manage users: make another user an administrator first.`,
        );
      }
    }
    const updated = await tx.user.update({
      where: { id: userId },
      data: { role, disabledAt: disabled ? (u.disabledAt ?? new Date()) : null },
    });
    if (disabled && u.disabledAt === null) await tx.session.deleteMany({ where: { userId } });
    return toAdminUser(updated);
  });
}

// 20 characters from 32 unambiguous ones (no 0/O, 1/l/I): 100 bits, easy to read out and type.
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";
function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = "";
    for (let i = 0; i < 5; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(s);
  }
  return groups.join("-");
}

/**
 * Sets a new password (the given one, or a generated one returned once) and ends the user's
 * sessions, so whoever knew the old password is signed out. When administrators reset their own
 * password, the session they are using stays.
 */
export async function resetPassword(
  userId: string,
  input: { password?: string },
  keepSessionToken: string | undefined,
): Promise<{ user: AdminUser; generatedPassword: string | null; sessionsRevoked: number }> {
  const { db } = ctx();
  const generatedPassword = input.password === undefined ? generatePassword() : null;
  const passwordHash = await hashPassword(input.password ?? generatedPassword ?? "");
  const keep = keepSessionToken ? { tokenHash: { not: hashToken(keepSessionToken) } } : {};
  return db.$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { id: userId }, select: { id: true } });
    if (!exists) throw new AppError("not_found", "No user with this id.");
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash } });
    const { count } = await tx.session.deleteMany({ where: { userId, ...keep } });
    return { user: toAdminUser(user), generatedPassword, sessionsRevoked: count };
  });
}
