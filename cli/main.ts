import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { describeError, ValidationError } from '../shared/domain/errors';
import { createReadableLogger } from '../shared/adapters/readable-logger';
import { silentLogger } from '../shared/adapters/silent-logger';
import { isUuid } from '../shared/domain/keys';
import { openCliContext } from './cli-context';
import { runCommand } from './commands';
import { EXIT } from './exit-codes';

const USAGE = `Usage: video-pipeline <command> [options]

Commands
  drop <files…>        upload photos into images/ as an operator; each becomes a job
      --title T  --subtitle S  --prompt P  --camera-motion M  --duration 6|8|10  --music FILE
      --formats 16:9,9:16,4:5,1:1  (the videos each job makes; default: the deployment's DEFAULT_FORMATS)
      --owner USER_ID  (the job belongs to that user)   --wait  (follow each job to its end)
  status [jobId]       one job's state and its videos (one per format), or a count of recent jobs by state
  watch <jobId>        follow a job to its end with a progress bar
  list                 recent jobs   --status S  --limit N (default 20)
  replay <jobId>       run a failed job again from its photo, through the event bus   --wait
  dlq list             events the pipeline gave up on (dead letters)   --queue ltx|render  --limit N
  dlq redrive <id>     send one dead letter back to the ltx queue (or --all)

Options
  --json               machine-readable output on stdout (progress stays on stderr)
  --target local|aws   local stack (default; reads .local/stack.json) or AWS (the handlers' variables)
  --stack FILE         the local stack's stack.json (default $LOCAL_DATA_DIR/stack.json)
  --timeout SECONDS    give up waiting after this long (default 900)
  --verbose            the pipeline clients' logs on stderr

Exit codes: 0 done, 1 a job failed or made only some of its formats (reasons on stderr), 2 bad usage or input, 3 pipeline unreachable or timed out.`;

const OPTIONS = {
  json: { type: 'boolean' },
  wait: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  target: { type: 'string' },
  stack: { type: 'string' },
  timeout: { type: 'string' },
  title: { type: 'string' },
  subtitle: { type: 'string' },
  prompt: { type: 'string' },
  'camera-motion': { type: 'string' },
  duration: { type: 'string' },
  music: { type: 'string' },
  owner: { type: 'string' },
  formats: { type: 'string' },
  status: { type: 'string' },
  limit: { type: 'string' },
  queue: { type: 'string' },
  all: { type: 'boolean' },
} as const;

// Node 20 has no global WebSocket, and supabase-js builds its Realtime client (needing one) inside
// createClient, also for the pipeline's service-role client: give it the `ws` package's.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const known = ['drop', 'status', 'watch', 'list', 'replay', 'dlq'];
  if (!known.includes(command)) {
    process.stderr.write(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const needsId = command === 'watch' || command === 'replay' || (command === 'status' && args.length > 0);
  if (needsId && !isUuid(args[0])) {
    process.stderr.write(`${command} needs a job id (a UUID), got ${JSON.stringify(args[0] ?? null)}\n`);
    return EXIT.usage;
  }
  const timeoutSeconds = values.timeout === undefined ? 900 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write(`--timeout must be a number of seconds above 0, got ${JSON.stringify(values.timeout)}\n`);
    return EXIT.usage;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    process.stderr.write(`--limit must be a whole number from 1 to 1000, got ${JSON.stringify(values.limit)}\n`);
    return EXIT.usage;
  }

  const logger = values.verbose ? createReadableLogger({ level: 'debug', fields: { cli: command } }) : silentLogger;
  let ctx;
  try {
    ctx = await openCliContext({ target: values.target, stackFile: values.stack }, logger);
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return EXIT.unavailable;
  }
  try {
    return await runCommand(ctx, command, args, {
      json: values.json ?? false,
      wait: values.wait ?? false,
      timeoutMs: timeoutSeconds * 1000,
      limit,
      status: values.status,
      queue: values.queue,
      all: values.all ?? false,
      drop: {
        title: values.title,
        subtitle: values.subtitle,
        prompt: values.prompt,
        cameraMotion: values['camera-motion'],
        duration: values.duration,
        musicFile: values.music,
        owner: values.owner,
        formats: values.formats,
      },
    });
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return err instanceof ValidationError ? EXIT.usage : EXIT.unavailable;
  } finally {
    await ctx.close().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
// Open sockets (Realtime, keep-alive agents) must not keep a finished command alive.
setTimeout(() => process.exit(), 50).unref();
