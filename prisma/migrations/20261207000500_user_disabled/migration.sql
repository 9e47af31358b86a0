-- An administrator can disable an account (its sessions and API keys stop working at once)
-- instead of deleting it, which would take its jobs' history and memberships with it.

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3);
