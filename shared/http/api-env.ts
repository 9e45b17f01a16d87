import type { SignedInUser } from '../ports/access-token-verifier';

/** What the API's steps leave on a request for the handlers after them. */
export interface ApiEnv {
  Variables: {
    /** The caller, once `requireUser` has verified their access token. */
    user: SignedInUser;
  };
}
