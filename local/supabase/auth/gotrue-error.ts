/**
 * An /auth/v1 error in GoTrue's shape. Answered with `X-Supabase-Api-Version: 2024-01-01`, so
 * auth-js reads `code` as the error code (AuthApiError.code) and `msg` as the message.
 */
export class GoTrueError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'GoTrueError';
  }

  toJSON(): { code: string; error_code: string; msg: string } {
    return { code: this.errorCode, error_code: this.errorCode, msg: this.message };
  }
}

export const AUTH_API_VERSION = '2024-01-01';
