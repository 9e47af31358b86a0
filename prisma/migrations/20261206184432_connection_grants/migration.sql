-- SQL connections are granted to projects by an administrator. Existing connections get no
-- grant: until one is made, only administrators see them (the safe default).

-- CreateTable
CREATE TABLE "ConnectionGrant" (
    "connectionId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConnectionGrant_pkey" PRIMARY KEY ("connectionId","projectId")
);

-- CreateIndex
CREATE INDEX "ConnectionGrant_projectId_idx" ON "ConnectionGrant"("projectId");

-- AddForeignKey
ALTER TABLE "ConnectionGrant" ADD CONSTRAINT "ConnectionGrant_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConnectionGrant" ADD CONSTRAINT "ConnectionGrant_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
