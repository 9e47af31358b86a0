-- AlterTable
ALTER TABLE "MlTraining" ADD COLUMN     "retrain" JSONB;
