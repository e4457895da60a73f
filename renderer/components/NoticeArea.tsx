// The one-line messages from the engine (`notice` events) and from failed commands, newest first.
import type { Notice } from '../state/useEngine';

export function NoticeArea(props: { notices: Notice[]; onDismiss: (id: number) => void }) {
  return (
    <section className="notices" aria-live="polite" aria-label="Notices">
      {props.notices.map((notice) => (
        <p key={notice.id} className={`notice notice-${notice.level}`}>
          <time dateTime={notice.at.toISOString()}>{notice.at.toLocaleTimeString()}</time>
          <span className="notice-message">{notice.message}</span>
          <button
            type="button"
            className="notice-dismiss"
            aria-label="Dismiss"
            onClick={() => props.onDismiss(notice.id)}
          >
            ×
          </button>
        </p>
      ))}
    </section>
  );
}
