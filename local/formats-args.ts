import { parseArgs } from 'node:util';
import { parseFormatList, type VideoFormat } from '../shared/domain/video-formats';

/** The `--formats` option as `npm run demo` and `npm run screenshots` describe it in their usage. */
export const FORMATS_OPTION_USAGE = `  --formats LIST   the videos to make, a comma list of 16:9, 9:16, 4:5, 1:1`;

export type FormatsArgs = { help: true } | { help: false; formats: VideoFormat[] | undefined; out: string | undefined };

/**
 * The arguments of the local demo commands: `--formats 16:9,9:16` (checked by parseFormatList, the
 * canonical order kept), `--out DIR` where a command writes files, `--help`. Throws an Error fit to
 * print above the usage for anything else.
 */
export function parseFormatsArgs(argv: string[]): FormatsArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { formats: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new Error(`No file or command is taken here, got ${JSON.stringify(positionals[0])}`);
  if (values.out === '') throw new Error('--out needs a directory');
  if (values.formats === undefined) return { help: false, formats: undefined, out: values.out };
  try {
    return { help: false, formats: parseFormatList(values.formats), out: values.out };
  } catch (err) {
    throw new Error(`--${(err as Error).message}`);
  }
}

/**
 * parseFormatsArgs for a command's entry point: `--help` prints the usage and exits 0; a bad argument
 * prints why above the usage and exits 2 (a usage error), before anything starts.
 */
export function formatsArgsOrExit(argv: string[], usage: string, say: (line: string) => void): Extract<FormatsArgs, { help: false }> {
  let args: FormatsArgs;
  try {
    args = parseFormatsArgs(argv);
  } catch (err) {
    say(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return args;
}
