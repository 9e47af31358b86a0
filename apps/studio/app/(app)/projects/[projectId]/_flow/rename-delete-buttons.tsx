"use client";

import { Button, type ButtonSize } from "@/ui/button.tsx";
import { TrashIcon } from "@/ui/icons.tsx";

/** The side panel's Rename and Delete buttons, which open the RenameForm or the DeleteConfirm. */
export function RenameDeleteButtons({
  size,
  renameTestId,
  deleteTestId,
  onRename,
  onDelete,
}: {
  size?: ButtonSize;
  renameTestId: string;
  deleteTestId: string;
  onRename: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <Button variant="ghost" size={size} onClick={onRename} data-testid={renameTestId}>
        Rename
      </Button>
      <Button variant="ghost" size={size} icon={<TrashIcon />} onClick={onDelete} data-testid={deleteTestId}>
        Delete
      </Button>
    </>
  );
}
