-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "queuePrefix" TEXT;
