import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFormatsArgs } from '../../local/formats-args';

describe('the demo commands’ --formats', () => {
  it('takes a comma list in any order and keeps the canonical one; nothing means the deployment default', () => {
    expect(parseFormatsArgs(['--formats', '4:5,16:9, 9:16'])).toEqual({ help: false, formats: ['16:9', '9:16', '4:5'], out: undefined });
    expect(parseFormatsArgs(['--formats=1:1', '--out', '/tmp/shots'])).toEqual({ help: false, formats: ['1:1'], out: '/tmp/shots' });
    expect(parseFormatsArgs([])).toEqual({ help: false, formats: undefined, out: undefined });
    expect(parseFormatsArgs(['-h'])).toEqual({ help: true });
  });

  it('refuses an unknown format, an empty list, a stray argument or option, naming what is wrong', () => {
    expect(() => parseFormatsArgs(['--formats', '16:9,3:2'])).toThrow('--formats: "3:2" is not one of 16:9, 9:16, 4:5, 1:1');
    expect(() => parseFormatsArgs(['--formats', ','])).toThrow('--formats must name at least one of 16:9, 9:16, 4:5, 1:1');
    expect(() => parseFormatsArgs(['villa.jpg'])).toThrow('No file or command is taken here, got "villa.jpg"');
    expect(() => parseFormatsArgs(['--format', '16:9'])).toThrow(/Unknown option '--format'/);
    expect(() => parseFormatsArgs(['--out', ''])).toThrow('--out needs a directory');
  });

  it('npm run demo with a bad --formats exits 2 with the reason and the usage, before starting anything', async () => {
    const run = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(process.execPath, ['--import', 'tsx', resolve('local/demo.ts'), '--formats', '16:9,21:9'], { timeout: 60_000, env: { ...process.env, LOCAL_DATA_DIR: '/nonexistent' } }, (err, _out, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--formats: "21:9" is not one of 16:9, 9:16, 4:5, 1:1');
    expect(run.stderr).toContain('Usage: npm run demo -- [--formats 16:9,9:16,4:5,1:1]');
    expect(run.stderr).not.toContain('Starting the local stack');
  });
});
