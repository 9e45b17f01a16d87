import { Logger as Powertools } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { Logger, LogLevel } from '../ports/logger';

/**
 * The functions' logger in AWS: Powertools for AWS Lambda writes one JSON object per line (level,
 * message, timestamp, service; per invocation, once `addContext` has run: the request id, the
 * function's name, memory and version, and whether this was a cold start). The log level comes from
 * the function's logging configuration (`AWS_LAMBDA_LOG_LEVEL`) or `POWERTOOLS_LOG_LEVEL`, INFO by
 * default. Powertools never logs the event unless POWERTOOLS_LOGGER_LOG_EVENT asks it to, and we
 * never set it: events carry access tokens.
 */
export class PowertoolsLogger implements Logger {
  /** Children share the one Powertools instance, so the invocation context reaches their lines too. */
  private constructor(
    private readonly powertools: Powertools,
    private readonly fields: Record<string, unknown>,
  ) {}

  static create(serviceName: string): PowertoolsLogger {
    return new PowertoolsLogger(new Powertools({ serviceName }), {});
  }

  log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
    this.powertools[level](message, { ...this.fields, ...fields });
  }

  child(fields: Record<string, unknown>): Logger {
    return new PowertoolsLogger(this.powertools, { ...this.fields, ...fields });
  }

  /** Stamps the invocation's request id, function and cold start on every line from now on. */
  addContext(context: Context): void {
    this.powertools.addContext(context);
  }
}
