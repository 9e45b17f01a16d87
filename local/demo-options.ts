import { parseArgs } from 'node:util';
import { parseFormatList, type VideoFormat } from '../shared/domain/video-formats';

export const DEMO_USAGE = `Usage: npm run demo -- [--formats 16:9,9:16,4:5,1:1]

  --formats LIST   the videos to make, a comma list of 16:9, 9:16, 4:5, 1:1
                   (default: the deployment's DEFAULT_FORMATS, 16:9 unless set)
  --help           this text`;

export type DemoOptions = { help: true } | { help: false; formats: VideoFormat[] | undefined };

/** `npm run demo -- …`'s arguments; throws an Error fit to print above the usage for anything else. */
export function parseDemoArgs(argv: string[]): DemoOptions {
  const { values, positionals } = parseArgs({ args: argv, options: { formats: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new Error(`The demo takes no file or command, got ${JSON.stringify(positionals[0])}`);
  if (values.formats === undefined) return { help: false, formats: undefined };
  try {
    return { help: false, formats: parseFormatList(values.formats) };
  } catch (err) {
    throw new Error(`--${(err as Error).message}`);
  }
}
