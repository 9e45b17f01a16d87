import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { BUILTIN_JOB_DEFAULTS, CAMERA_MOTIONS, DURATIONS, LIMITS, type CameraMotion, type Duration } from '../../shared/domain/job-options';
import { MUSIC_FILES } from '../../shared/domain/music';
import { BUILTIN_DEFAULT_FORMATS, canonicalFormats, VIDEO_FORMATS, type VideoFormat } from '../../shared/domain/video-formats';
import { checkPhoto } from '../client/check-photo';
import { isAbortError } from '../client/client-errors';
import type { VideoClient } from '../client/create-video-client';
import type { Upload } from './app';
import { CAMERA_MOTION_LABELS, formatLabel, musicLabel } from './labels';

interface Props {
  client: VideoClient;
  busy: boolean;
  onStart: (fileName: string) => void;
  onProgress: (patch: Partial<Upload>) => void;
  onCancel: () => void;
}

/** The photo and the video's options; submitting uploads the photo with a progress bar. */
export function CreateForm({ client, busy, onStart, onProgress, onCancel }: Props) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [title, setTitle] = useState('');
  const [subtitle, setSubtitle] = useState('');
  const [prompt, setPrompt] = useState('');
  const [cameraMotion, setCameraMotion] = useState<CameraMotion>(BUILTIN_JOB_DEFAULTS.cameraMotion);
  const [duration, setDuration] = useState<Duration>(BUILTIN_JOB_DEFAULTS.duration);
  const [musicFile, setMusicFile] = useState<string>(BUILTIN_JOB_DEFAULTS.musicFile);
  const [formats, setFormats] = useState<VideoFormat[]>([...BUILTIN_DEFAULT_FORMATS]);
  const [formatsError, setFormatsError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  const choose = async (picked: File | undefined) => {
    setFormError(null);
    if (!picked) return;
    setFile(null);
    setPreview(null);
    try {
      // The pipeline's own checks, before anything is sent: a refused file is explained here.
      await checkPhoto(picked, {});
      setPhotoError(null);
      setFile(picked);
      setPreview(URL.createObjectURL(picked));
    } catch (err) {
      setPhotoError(`${picked.name} can't be used. ${(err as Error).message}`);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void choose(e.dataTransfer.files[0]);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    if (!file) {
      setPhotoError('Choose a photo first: a JPEG, PNG or WebP of up to 15 MB.');
      fileInput.current?.focus();
      return;
    }
    if (formats.length === 0) {
      setFormatsError('Pick at least one format.');
      document.getElementById(`${id}-format-${VIDEO_FORMATS[0].replace(':', 'x')}`)?.focus();
      return;
    }
    const controller = new AbortController();
    abort.current = controller;
    onStart(file.name);
    try {
      const jobId = await client.submit(
        file,
        { title, subtitle, prompt, cameraMotion, duration, musicFile: musicFile as (typeof MUSIC_FILES)[number], formats },
        {
          signal: controller.signal,
          onJobCreated: (jobId) => onProgress({ jobId }),
          onUploadProgress: (p) => onProgress({ fraction: p.fraction }),
        },
      );
      onProgress({ jobId, fraction: 1, done: true });
    } catch (err) {
      onCancel();
      if (!isAbortError(err)) setFormError((err as Error).message);
    } finally {
      abort.current = null;
    }
  };

  return (
    <form className="card create" onSubmit={submit} noValidate aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>New video</h2>
      <label
        className={`dropzone${dragging ? ' dragging' : ''}${preview ? ' has-photo' : ''}`}
        htmlFor={`${id}-photo`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {preview ? <img src={preview} alt="" className="dropzone-preview" /> : null}
        <span className="dropzone-text">
          <strong>{file ? file.name : 'Drop a villa photo here'}</strong>
          <span>{file ? `${formatSize(file.size)} · choose another` : 'or click to choose · JPEG, PNG or WebP, up to 15 MB'}</span>
        </span>
        <input
          ref={fileInput}
          id={`${id}-photo`}
          name="photo"
          type="file"
          className="visually-hidden"
          accept="image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp"
          aria-describedby={photoError ? `${id}-photo-error` : undefined}
          aria-invalid={photoError ? true : undefined}
          onChange={(e) => { void choose(e.target.files?.[0]); e.target.value = ''; }}
        />
      </label>
      {photoError ? <p id={`${id}-photo-error`} className="field-error" role="alert" data-testid="photo-error">{photoError}</p> : null}

      <div className="field">
        <label htmlFor={`${id}-title`}>Title</label>
        <input id={`${id}-title`} name="title" value={title} maxLength={LIMITS.titleMaxLength} placeholder={BUILTIN_JOB_DEFAULTS.title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-subtitle`}>Subtitle</label>
        <input id={`${id}-subtitle`} name="subtitle" value={subtitle} maxLength={LIMITS.subtitleMaxLength} placeholder={BUILTIN_JOB_DEFAULTS.subtitle} onChange={(e) => setSubtitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Scene description <span className="optional">optional</span></label>
        <textarea id={`${id}-prompt`} name="prompt" rows={2} value={prompt} maxLength={LIMITS.promptMaxLength} placeholder={BUILTIN_JOB_DEFAULTS.prompt} onChange={(e) => setPrompt(e.target.value)} />
      </div>
      <div className="row">
        <div className="field">
          <label htmlFor={`${id}-motion`}>Camera move</label>
          <select id={`${id}-motion`} name="cameraMotion" value={cameraMotion} onChange={(e) => setCameraMotion(e.target.value as CameraMotion)}>
            {CAMERA_MOTIONS.map((m) => <option key={m} value={m}>{CAMERA_MOTION_LABELS[m]}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-music`}>Music</label>
          <select id={`${id}-music`} name="musicFile" value={musicFile} onChange={(e) => setMusicFile(e.target.value)}>
            {MUSIC_FILES.map((m) => <option key={m} value={m}>{musicLabel(m)}</option>)}
          </select>
        </div>
      </div>
      <fieldset className="field segmented">
        <legend>Length</legend>
        {DURATIONS.map((d) => (
          <label key={d} className={duration === d ? 'selected' : ''}>
            <input type="radio" name="duration" value={d} checked={duration === d} onChange={() => setDuration(d)} />
            {d} s
          </label>
        ))}
      </fieldset>
      <fieldset className="field formats" aria-describedby={formatsError ? `${id}-formats-error` : `${id}-formats-hint`}>
        <legend>Formats</legend>
        <p id={`${id}-formats-hint`} className="hint">One video per shape; 9:16, 4:5 and 1:1 share one vertical camera move.</p>
        {VIDEO_FORMATS.map((f) => (
          <label key={f} className={formats.includes(f) ? 'selected' : ''}>
            <input
              type="checkbox"
              id={`${id}-format-${f.replace(':', 'x')}`}
              name="formats"
              value={f}
              checked={formats.includes(f)}
              onChange={(e) => {
                setFormatsError(null);
                setFormats((list) => canonicalFormats(e.target.checked ? [...list, f] : list.filter((x) => x !== f)));
              }}
            />
            <span className={`shape shape-${f.replace(':', 'x')}`} aria-hidden="true" />
            {formatLabel(f)}
          </label>
        ))}
        {formatsError ? <p id={`${id}-formats-error`} className="field-error" role="alert">{formatsError}</p> : null}
      </fieldset>
      {formError ? <p className="form-error" role="alert">{formError}</p> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Uploading…' : 'Create video'}</button>
        {busy ? <button type="button" className="ghost" onClick={() => abort.current?.abort()}>Cancel upload</button> : null}
      </div>
    </form>
  );
}

function formatSize(bytes: number): string {
  return bytes < 1048576 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}
