-- CreateTable
CREATE TABLE "MlAnalysis" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "design" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MlAnalysis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MlTraining" (
    "id" TEXT NOT NULL,
    "analysisId" TEXT NOT NULL,
    "jobId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "design" JSONB NOT NULL,
    "datasetVersionId" TEXT,
    "result" JSONB,
    "artifactsPrefix" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MlTraining_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedModel" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "analysisId" TEXT,
    "activeVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SavedModel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SavedModelVersion" (
    "id" TEXT NOT NULL,
    "savedModelId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "trainingId" TEXT,
    "modelIndex" INTEGER NOT NULL,
    "task" TEXT NOT NULL,
    "algorithm" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "classes" JSONB,
    "portableKey" TEXT,
    "artifactKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SavedModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MlAnalysis_projectId_name_key" ON "MlAnalysis"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "MlTraining_jobId_key" ON "MlTraining"("jobId");

-- CreateIndex
CREATE UNIQUE INDEX "MlTraining_analysisId_number_key" ON "MlTraining"("analysisId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "SavedModel_activeVersionId_key" ON "SavedModel"("activeVersionId");

-- CreateIndex
CREATE UNIQUE INDEX "SavedModel_projectId_name_key" ON "SavedModel"("projectId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "SavedModelVersion_savedModelId_number_key" ON "SavedModelVersion"("savedModelId", "number");

-- AddForeignKey
ALTER TABLE "MlAnalysis" ADD CONSTRAINT "MlAnalysis_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MlAnalysis" ADD CONSTRAINT "MlAnalysis_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MlTraining" ADD CONSTRAINT "MlTraining_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "MlAnalysis"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MlTraining" ADD CONSTRAINT "MlTraining_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModel" ADD CONSTRAINT "SavedModel_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModel" ADD CONSTRAINT "SavedModel_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModel" ADD CONSTRAINT "SavedModel_analysisId_fkey" FOREIGN KEY ("analysisId") REFERENCES "MlAnalysis"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModel" ADD CONSTRAINT "SavedModel_activeVersionId_fkey" FOREIGN KEY ("activeVersionId") REFERENCES "SavedModelVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModelVersion" ADD CONSTRAINT "SavedModelVersion_savedModelId_fkey" FOREIGN KEY ("savedModelId") REFERENCES "SavedModel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SavedModelVersion" ADD CONSTRAINT "SavedModelVersion_trainingId_fkey" FOREIGN KEY ("trainingId") REFERENCES "MlTraining"("id") ON DELETE SET NULL ON UPDATE CASCADE;
