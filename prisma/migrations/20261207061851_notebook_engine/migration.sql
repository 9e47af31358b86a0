-- AlterTable
ALTER TABLE "Notebook" ADD COLUMN     "engine" JSONB;
