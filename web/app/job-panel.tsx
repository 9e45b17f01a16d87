import { useEffect, useRef, useState } from 'react';
import type { GeneratedVideo } from '../../shared/domain/video-job';
import type { VideoClient } from '../client/create-video-client';
import { useVideoJob } from '../react/use-video-job';
import type { Upload } from './app';
import { STAGES, STATUS_WORDS } from './labels';

interface Props {
  client: VideoClient;
  upload: Upload | null;
  /** A video picked from the library (shown when no job is in progress). */
  shown: GeneratedVideo | null;
  onFinished: () => void;
}

/** Upload progress, then the job's stages live, then the video; or the failure with a retry. */
export function JobPanel({ client, upload, shown, onFinished }: Props) {
  const jobId = upload?.done ? upload.jobId : null;
  const { job, video, error, connection, replay } = useVideoJob(client, jobId);
  const [retryError, setRetryError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const finished = video ?? (upload ? null : shown);
  const failed = Boolean(error);

  useEffect(() => { if (video) onFinished(); }, [video, onFinished]);
  // Move focus to the outcome so keyboard and screen-reader users land on it.
  useEffect(() => { if (finished || failed) heading.current?.focus(); }, [finished, failed]);

  if (!upload && !shown) {
    return (
      <section className="card panel empty" aria-labelledby="panel-h">
        <h2 id="panel-h">Your video</h2>
        <div className="placeholder" aria-hidden="true"><span>▶</span></div>
        <p>Your finished video plays here. It usually takes a minute or two.</p>
      </section>
    );
  }

  if (finished) {
    return (
      <section className="card panel result" aria-labelledby="panel-h">
        <h2 id="panel-h" ref={heading} tabIndex={-1}>{finished.title}</h2>
        {finished.subtitle ? <p className="muted">{finished.subtitle}</p> : null}
        <video className="player" controls playsInline preload="metadata" poster={finished.thumbnail_url} src={finished.video_url} data-testid="result-video" />
        <div className="result-meta">
          <span>{Math.round(finished.duration_seconds)} s</span>
          <span>{finished.resolution}</span>
          <span>{finished.file_size_mb.toFixed(1)} MB</span>
        </div>
        <div className="actions">
          <a className="button primary" href={finished.video_url} download={`${finished.title.replace(/[^\w -]+/g, '').trim() || 'villa-video'}.mp4`}>Download MP4</a>
          <a className="button ghost" href={finished.thumbnail_url} target="_blank" rel="noreferrer">Poster image</a>
        </div>
      </section>
    );
  }

  const uploadPct = Math.round((upload?.fraction ?? 0) * 100);
  const status = job?.status ?? (upload?.done ? 'pending_upload' : null);
  const progress = job?.progress ?? 0;
  const stageIndex = status ? STAGES.findIndex((s) => s.status === status) : -1;
  const announce = failed
    ? `Failed: ${error}`
    : !upload?.done
      ? `Uploading photo, ${uploadPct} percent`
      : `${STATUS_WORDS[status ?? 'pending_upload']}${status === 'generating' || status === 'rendering' ? `, ${progress} percent` : ''}`;

  return (
    <section className="card panel progress" aria-labelledby="panel-h" aria-busy={!failed}>
      <h2 id="panel-h" ref={heading} tabIndex={-1}>{failed ? 'Something went wrong' : upload?.done ? STATUS_WORDS[status ?? 'pending_upload'] : 'Uploading your photo'}</h2>
      <p className="muted">{upload?.fileName}</p>
      {failed ? (
        <div className="failure" role="alert" data-testid="job-error">
          <p>{error}</p>
          {retryError ? <p className="form-error">{retryError}</p> : null}
          <button
            type="button"
            className="primary"
            disabled={retrying}
            onClick={() => {
              setRetrying(true);
              setRetryError(null);
              replay().catch((err: unknown) => setRetryError((err as Error).message)).finally(() => setRetrying(false));
            }}
          >
            {retrying ? 'Retrying…' : 'Retry'}
          </button>
        </div>
      ) : (
        <>
          <div className="meter">
            <div className="meter-label">
              <span>{upload?.done ? 'Progress' : 'Upload'}</span>
              <span data-testid="progress-value">{upload?.done ? progress : uploadPct}%</span>
            </div>
            <div
              className="bar"
              role="progressbar"
              aria-label={upload?.done ? 'Video progress' : 'Upload progress'}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={upload?.done ? progress : uploadPct}
            >
              <div className="bar-fill" style={{ width: `${upload?.done ? progress : uploadPct}%` }} />
            </div>
          </div>
          <ol className="stages">
            {STAGES.map((s, i) => (
              <li key={s.status} className={i < stageIndex ? 'done' : i === stageIndex ? 'current' : ''} aria-current={i === stageIndex ? 'step' : undefined}>
                {s.label}
              </li>
            ))}
          </ol>
          {connection === 'reconnecting' ? <p className="muted small">Reconnecting to live updates…</p> : null}
          {job?.error && !failed ? <p className="muted small">{job.error}</p> : null}
        </>
      )}
      <p className="visually-hidden" aria-live="polite" data-testid="live-status">{announce}</p>
    </section>
  );
}
