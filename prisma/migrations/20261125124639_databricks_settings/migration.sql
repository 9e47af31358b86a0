-- AlterTable
ALTER TABLE "JobActivity" ADD COLUMN     "remote" JSONB;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "engine" JSONB;

-- AlterTable
ALTER TABLE "Recipe" ADD COLUMN     "engine" JSONB;

-- CreateTable
CREATE TABLE "ComputeProfile" (
    "id" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "maxClusters" INTEGER NOT NULL DEFAULT 2,
    "maxActiveStatements" INTEGER NOT NULL DEFAULT 4,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ComputeProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserConnectionSecret" (
    "userId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "last4" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserConnectionSecret_pkey" PRIMARY KEY ("userId","connectionId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ComputeProfile_connectionId_name_key" ON "ComputeProfile"("connectionId", "name");

-- CreateIndex
CREATE INDEX "UserConnectionSecret_connectionId_idx" ON "UserConnectionSecret"("connectionId");

-- AddForeignKey
ALTER TABLE "ComputeProfile" ADD CONSTRAINT "ComputeProfile_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserConnectionSecret" ADD CONSTRAINT "UserConnectionSecret_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserConnectionSecret" ADD CONSTRAINT "UserConnectionSecret_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
