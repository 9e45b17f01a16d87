/** The web client: framework-free; import from here (the React hook is in `web/react`). */
export { createVideoClient, type VideoClient, type VideoClientOptions } from './create-video-client';
export { submitPhoto, type SubmitCallbacks, type SubmitDeps } from './submit-photo';
export { watchJob, type ConnectionState, type WatchHandlers } from './watch-job';
export { requestReplay } from './request-replay';
export { listOpenJobs, listVideos } from './list-videos';
export { formatOfVideo, outputIdsOf, type FormatFailure, type FormatVideo, type JobOutputs } from './job-outputs';
export { checkPhoto, type PhotoFile } from './check-photo';
export { JobFailedError, RequestError, isAbortError } from './client-errors';
export { ValidationError } from '../../shared/domain/errors';
export type { GeneratedVideo, VideoJob } from '../../shared/domain/video-job';
export type { JobOptionsInput } from '../../shared/domain/job-options';
export { VIDEO_FORMATS, VIDEO_FORMAT_SPECS, type VideoFormat } from '../../shared/domain/video-formats';
