import { Hono } from 'hono';
import type { UploadTicket } from '../../domain/upload-request';
import { parseUploadRequest, type UploadRequest } from '../../domain/upload-request';
import type { AccessTokenVerifier, SignedInUser } from '../../ports/access-token-verifier';
import type { Logger } from '../../ports/logger';
import type { ApiEnv } from '../api-env';
import { jsonBody } from '../json-body';
import { requireUser } from '../require-user';

/** A job request is a few hundred bytes; anything near this is not one. */
export const MAX_UPLOAD_REQUEST_BYTES = 16 * 1024;

export interface UploadsRouteDeps {
  verifyAccessToken: AccessTokenVerifier;
  /** Records the job and signs the PUT (shared/pipeline/create-upload.ts). */
  createUpload(user: SignedInUser, request: UploadRequest): Promise<UploadTicket>;
  logger: Logger;
}

/** `POST /uploads`: a signed-in user announces a photo and gets a job and a presigned PUT for it (201). */
export function uploadsRoute(deps: UploadsRouteDeps): Hono<ApiEnv> {
  return new Hono<ApiEnv>().post(
    '/uploads',
    requireUser(deps.verifyAccessToken),
    jsonBody(parseUploadRequest, { maxBytes: MAX_UPLOAD_REQUEST_BYTES }),
    async (c) => {
      const user = c.get('user');
      const request = c.req.valid('json');
      const ticket = await deps.createUpload(user, request);
      deps.logger.log('info', 'upload signed', { jobId: ticket.jobId, userId: user.userId, size: request.size, contentType: request.contentType });
      return c.json(ticket, 201);
    },
  );
}
