import { describe, expect, it } from 'vitest';
import { createReadableLogger } from '../../../shared/adapters/readable-logger';

const at = () => new Date('2026-05-01T14:02:07.123Z');

describe('createReadableLogger', () => {
  it('writes time, level when not routine, message and facts on one line', () => {
    const lines: string[] = [];
    const logger = createReadableLogger({ write: (l) => lines.push(l), now: at, fields: { stack: 'local' } }).child({ fn: 'ltx' });
    logger.log('info', 'clip written', { jobId: 'j1', bytes: 1024, skipped: undefined });
    logger.log('error', 'ltx step failed', { error: 'LTX answered 500', detail: { status: 500 } });
    expect(lines).toEqual([
      '14:02:07 clip written  stack=local fn=ltx jobId=j1 bytes=1024',
      '14:02:07 ERROR ltx step failed  stack=local fn=ltx error=LTX answered 500 detail={"status":500}',
    ]);
  });

  it('drops lines below its level (info by default)', () => {
    const lines: string[] = [];
    const quiet = createReadableLogger({ write: (l) => lines.push(l), now: at });
    quiet.log('debug', 'chatter');
    const warnings = createReadableLogger({ level: 'warn', write: (l) => lines.push(l), now: at });
    warnings.log('info', 'routine');
    warnings.log('warn', 'retrying');
    expect(lines).toEqual(['14:02:07 WARN  retrying']);
  });
});
