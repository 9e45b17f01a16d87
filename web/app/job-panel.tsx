import { useEffect, useRef, useState } from 'react';
import type { VideoClient } from '../client/create-video-client';
import type { FormatVideo } from '../client/job-outputs';
import { useVideoJob } from '../react/use-video-job';
import type { Upload } from './app';
import { STAGES, STATUS_WORDS } from './labels';
import { Outputs } from './outputs';

interface Props {
  client: VideoClient;
  upload: Upload | null;
  /** A video picked from the library (shown when no job is in progress). */
  shown: FormatVideo | null;
  onFinished: () => void;
}

/** Upload progress, then the job's stages live, then its videos (one per format); or the failure with a retry. */
export function JobPanel({ client, upload, shown, onFinished }: Props) {
  const jobId = upload?.done ? upload.jobId : null;
  const { job, videos, failures, error, connection, replay } = useVideoJob(client, jobId);
  const [retryError, setRetryError] = useState<string | null>(null);
  const [retrying, setRetrying] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const finishedVideos = videos.length > 0 ? videos : !upload && shown ? [shown] : [];
  const finished = finishedVideos[0] ?? null;
  const failed = Boolean(error);

  useEffect(() => { if (videos.length > 0) onFinished(); }, [videos, onFinished]);
  // Move focus to the outcome so keyboard and screen-reader users land on it.
  useEffect(() => { if (finished || failed) heading.current?.focus(); }, [finished, failed]);

  if (!upload && !shown) {
    return (
      <section className="card panel empty" aria-labelledby="panel-h">
        <h2 id="panel-h">Your videos</h2>
        <div className="placeholder" aria-hidden="true"><span>▶</span></div>
        <p>Your finished videos play here, one per format. It usually takes a minute or two.</p>
      </section>
    );
  }

  if (finished) {
    return (
      <section className="card panel result" aria-labelledby="panel-h">
        <h2 id="panel-h" ref={heading} tabIndex={-1}>{finished.title}</h2>
        {finished.subtitle ? <p className="muted">{finished.subtitle}</p> : null}
        <Outputs videos={finishedVideos} failures={videos.length > 0 ? failures : []} />
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
