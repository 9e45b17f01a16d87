/** What `video-pipeline` exits with, so scripts can tell the outcomes apart. */
export const EXIT = {
  /** Everything asked for is done (or, without --wait, handed to the pipeline). */
  ok: 0,
  /** A job failed; its reason is on stderr (and in the JSON). */
  jobFailed: 1,
  /** The command line, a file or an option is not acceptable (nothing was sent). */
  usage: 2,
  /** The pipeline could not be reached, refused the request, or a wait timed out. */
  unavailable: 3,
} as const;
