/** Who a Supabase access token says the caller is; the real verifier is shared/adapters/verify-access-token.ts. */
export interface SignedInUser {
  userId: string;
  email: string | undefined;
  isAnonymous: boolean;
}

export type AccessTokenVerifier = (token: string) => Promise<SignedInUser>;
