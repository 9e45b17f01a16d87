import { AuthError } from '../../shared/domain/errors';
import type { VideoJob } from '../../shared/domain/video-job';
import type { ApiDeps } from '../../shared/http/api-app';
import type { UploadTicket } from '../../shared/domain/upload-request';
import type { ReplayRequester } from '../../shared/pipeline/replay-job';
import type { SignedInUser } from '../../shared/ports/access-token-verifier';
import type { UploadRequest } from '../../shared/domain/upload-request';
import { recordingLogger } from '../helpers/recording-logger';

export const USER: SignedInUser = { userId: '6f1c1f7e-2c3a-4b4e-9d7a-0c1b2a3d4e5f', email: undefined, isAnonymous: true };
export const GOOD_TOKEN = 'good-token';
export const ORIGIN = 'https://myhost-bizmate.vercel.app';
export const JOB_ID = '0b7f3c1e-8a2d-4f6b-9c3e-5d1a2b3c4d5e';

/**
 * The web API's dependencies with the pipeline's steps replaced by recorders: the routes' own
 * behaviour (CORS, auth, validation, status codes) is what these tests look at; the steps have
 * tests of their own and run for real in the local-stack suites.
 */
export function fakeApiDeps(overrides: Partial<ApiDeps> = {}) {
  const { logger, lines } = recordingLogger();
  const uploads: Array<{ user: SignedInUser; request: UploadRequest }> = [];
  const replays: Array<{ jobId: string; requester: ReplayRequester }> = [];
  const deps: ApiDeps = {
    allowedOrigins: [ORIGIN],
    logger,
    verifyAccessToken: async (token) => {
      if (token !== GOOD_TOKEN) throw new AuthError('the access token is not a JWT');
      return USER;
    },
    createUpload: async (user, request): Promise<UploadTicket> => {
      uploads.push({ user, request });
      const key = `images/${user.userId}/${JOB_ID}.jpg`;
      return { jobId: JOB_ID, key, uploadUrl: `https://bucket.s3.amazonaws.com/${key}?X-Amz-Signature=abc`, method: 'PUT', headers: { 'Content-Type': request.contentType }, expiresAt: '2030-01-01T00:05:00.000Z' };
    },
    replayJob: async (jobId, requester) => {
      replays.push({ jobId, requester });
      return { id: jobId, status: 'queued' } as VideoJob;
    },
    ...overrides,
  };
  return { deps, logs: lines, uploads, replays };
}

export const UPLOAD_BODY = { filename: 'villa.jpg', contentType: 'image/jpeg', size: 2048 };
