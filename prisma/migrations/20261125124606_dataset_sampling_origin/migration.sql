-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "sampling" JSONB;

-- AlterTable
ALTER TABLE "DatasetVersion" ADD COLUMN     "origin" TEXT;
