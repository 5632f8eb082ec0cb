// Opens and closes a native <dialog> as a modal to follow a boolean: showModal() gives focus
// trapping, Esc and the backdrop for free.
import { useEffect, type RefObject } from 'react';

export function useModal(ref: RefObject<HTMLDialogElement | null>, open: boolean, onOpen?: () => void): void {
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      onOpen?.();
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
    // onOpen is told at the moment of opening; a new function identity is no reason to re-run.
  }, [ref, open]);
}
