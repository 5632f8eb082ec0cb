// One line for what the user must know: errors they caused or can fix, and notices.

export interface Message {
  kind: 'error' | 'info';
  text: string;
}

export function MessageLine({ message, onDismiss }: { message: Message | null; onDismiss: () => void }) {
  return (
    <div
      className={`message-line ${message?.kind ?? ''}`}
      data-testid="message-line"
      role={message?.kind === 'error' ? 'alert' : 'status'}
    >
      {message !== null && (
        <>
          <span className="message-text">{message.text}</span>
          <button type="button" className="dismiss" aria-label="Dismiss message" onClick={onDismiss}>
            ×
          </button>
        </>
      )}
    </div>
  );
}
