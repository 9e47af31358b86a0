-- AlterEnum
ALTER TYPE "JobState" ADD VALUE 'SKIPPED';

-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "keepInPipeline" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "buildHash" TEXT;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "cancelRequestedAt" TIMESTAMP(3),
ADD COLUMN     "plan" JSONB;

-- AlterTable
ALTER TABLE "JobActivity" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dependsOn" JSONB,
ADD COLUMN     "recipeIds" JSONB,
ADD COLUMN     "stagingPrefix" TEXT,
ADD COLUMN     "virtualDatasetIds" JSONB;

-- CreateTable
CREATE TABLE "DatasetBuildLock" (
    "datasetId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetBuildLock_pkey" PRIMARY KEY ("datasetId")
);

-- AddForeignKey
ALTER TABLE "DatasetBuildLock" ADD CONSTRAINT "DatasetBuildLock_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
