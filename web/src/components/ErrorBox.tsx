// The one place a view's error is shown (data-testid="error"), announced to screen readers.

export function ErrorBox({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div className="error" role="alert" data-testid="error">
      {message}
    </div>
  );
}
