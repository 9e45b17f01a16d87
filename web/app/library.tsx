import type { FormatVideo } from '../client/job-outputs';

interface Props {
  videos: FormatVideo[] | null;
  error: string | null;
  onPlay: (video: FormatVideo) => void;
}

/** The signed-in user's earlier videos, one tile per format made (row-level security shows no one else's). */
export function Library({ videos, error, onPlay }: Props) {
  return (
    <section className="library" aria-labelledby="library-h">
      <h2 id="library-h">Your videos</h2>
      {error ? <p className="form-error" role="alert">{error}</p> : null}
      {videos === null && !error ? <p className="muted">Loading…</p> : null}
      {videos?.length === 0 ? <p className="muted" data-testid="library-empty">No videos yet. The ones you make appear here.</p> : null}
      {videos && videos.length > 0 ? (
        <ul className="grid" data-testid="library">
          {videos.map((v) => (
            <li key={v.id} data-job-id={v.id} data-format={v.format ?? undefined}>
              <button type="button" className="tile" onClick={() => onPlay(v)} aria-label={`Play ${v.title}${v.format ? `, ${v.format}` : ''}`}>
                <img src={v.thumbnail_url} alt="" loading="lazy" />
                {v.format ? <span className="tile-format">{v.format}</span> : null}
                <span className="tile-title">{v.title}</span>
                <span className="tile-meta">{Math.round(v.duration_seconds)} s · {v.created_at ? new Date(v.created_at).toLocaleDateString() : ''}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
