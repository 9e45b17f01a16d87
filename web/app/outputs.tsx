import { VIDEO_FORMAT_SPECS } from '../../shared/domain/video-formats';
import type { FormatFailure, FormatVideo } from '../client/job-outputs';
import { downloadName, formatLabel } from './labels';

/**
 * A job's videos, each in its own shape (a 9:16 stands tall, a 1:1 square), with its size and a
 * download per format; then the formats that were not made and why.
 */
export function Outputs({ videos, failures }: { videos: FormatVideo[]; failures: FormatFailure[] }) {
  // One video gets the panel's width (up to a tall frame's sensible height); several share a row.
  const frameHeight = videos.length > 1 ? 200 : 440;
  return (
    <>
      <ul className={`outputs${videos.length > 1 ? ' several' : ''}`} data-testid="outputs">
        {videos.map((v) => {
          const spec = v.format ? VIDEO_FORMAT_SPECS[v.format] : null;
          const ratio = spec ? spec.width / spec.height : 16 / 9;
          const name = v.format ?? v.resolution;
          return (
            <li key={v.id} className="output" data-format={v.format ?? undefined} data-video-id={v.id}>
              {/* A width in pixels (capped by the CSS at 100 %), so the row can lay out several shapes side by side. */}
              <div className="frame" style={{ width: `${Math.round(frameHeight * ratio)}px`, aspectRatio: spec ? `${spec.width} / ${spec.height}` : '16 / 9' }}>
                <video className="player" controls playsInline preload="metadata" poster={v.thumbnail_url} src={v.video_url} data-testid="result-video" aria-label={`${v.title}, ${name}`} />
              </div>
              <p className="output-name">{v.format ? formatLabel(v.format) : v.resolution}</p>
              <div className="result-meta">
                <span>{Math.round(v.duration_seconds)} s</span>
                <span>{v.resolution}</span>
                <span>{v.file_size_mb.toFixed(1)} MB</span>
              </div>
              <div className="actions">
                <a className="button primary" href={v.video_url} download={downloadName(v.title, v.format)} aria-label={`Download ${name} MP4`}>Download</a>
                <a className="button ghost" href={v.thumbnail_url} target="_blank" rel="noreferrer" aria-label={`${name} poster image`}>Poster</a>
              </div>
            </li>
          );
        })}
      </ul>
      {failures.length > 0 ? (
        <div className="failure partial" role="alert" data-testid="format-failures">
          <p><strong>{failures.length === 1 ? 'One format could not be made.' : `${failures.length} formats could not be made.`}</strong> The others above are ready.</p>
          <ul>
            {failures.map((f) => (
              <li key={f.format} data-format={f.format}>
                <strong>{formatLabel(f.format)}</strong>: {f.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}
