-- CreateTable
CREATE TABLE "JobAttempt" (
    "jobId" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "heartbeatAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JobAttempt_pkey" PRIMARY KEY ("jobId")
);

-- AddForeignKey
ALTER TABLE "JobAttempt" ADD CONSTRAINT "JobAttempt_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
