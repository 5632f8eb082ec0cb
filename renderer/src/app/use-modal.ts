// Opens and closes a native <dialog> as a modal to follow a boolean: showModal() gives focus
// trapping, Esc and the backdrop for free. Returns the props the <dialog> needs so that Esc and a
// close from the browser go through the owner's onClose (the owner's state stays the truth).
import { useEffect, useRef, type RefObject, type SyntheticEvent } from 'react';

export interface ModalProps {
  ref: RefObject<HTMLDialogElement | null>;
  onClose: () => void;
  onCancel: (event: SyntheticEvent) => void;
}

export function useModal(open: boolean, onClose: () => void, onOpen?: () => void): ModalProps {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      onOpen?.();
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
    // onOpen is told at the moment of opening; a new function identity is no reason to re-run.
  }, [open]);
  return {
    ref,
    onClose,
    onCancel: (event) => {
      event.preventDefault();
      onClose();
    },
  };
}
