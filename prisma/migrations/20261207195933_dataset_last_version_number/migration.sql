-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "lastVersionNumber" INTEGER NOT NULL DEFAULT 0;

-- Existing datasets continue from their newest version.
UPDATE "Dataset" d SET "lastVersionNumber" = v."number"
FROM (SELECT "datasetId", MAX("number") AS "number" FROM "DatasetVersion" GROUP BY "datasetId") v
WHERE v."datasetId" = d."id";
