"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiCall, errorMessage } from "@/ui/api.ts";
import { Button } from "@/ui/button.tsx";
import { useToast } from "@/ui/toast.tsx";

export function SignOutButton() {
  const router = useRouter();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="ghost"
      size="sm"
      loading={busy}
      data-testid="sign-out"
      onClick={async () => {
        setBusy(true);
        try {
          await apiCall("POST /auth/logout");
          router.replace("/login");
          router.refresh();
        } catch (e) {
          toast(errorMessage(e), "error");
          setBusy(false);
        }
      }}
    >
      Sign out
    </Button>
  );
}
