import { resolve } from 'node:path';
import { loadLocalStackSettings } from './local-stack-settings';
import { createReadableLogger } from '../shared/adapters/readable-logger';
import { startLocalStack } from './stack';
import { databaseUrlFromEnv } from './supabase/supabase-local-settings';

/** `npm start`: the whole pipeline on this machine, persisted under `.local/`, until Ctrl-C. */
const settings = loadLocalStackSettings();
const logger = createReadableLogger({ level: settings.verbose ? 'debug' : 'info' });
const stack = await startLocalStack({
  dataDir: resolve(settings.dataDir),
  realLtx: settings.realLtx,
  env: settings.env,
  ports: settings.ports,
  staticDir: resolve('web/public'),
  databaseUrl: databaseUrlFromEnv(),
  logger,
});
const i = stack.info;
process.stderr.write(
  [
    '',
    'Local villa-video stack is ready.',
    `  demo page        ${i.webUrl}/`,
    `  upload endpoint  POST ${i.uploadsUrl}`,
    `  Supabase API     ${i.supabaseUrl}  (anon key in ${settings.dataDir}/stack.json)${databaseUrlFromEnv() ? ', on DATABASE_URL' : ''}`,
    `  S3 endpoint      ${i.s3Endpoint}  bucket ${i.bucket}`,
    `  EventBridge      ${i.eventBridgeEndpoint}   SQS ${i.sqsEndpoint}`,
    `  LTX              ${settings.realLtx ? 'the real LTX-2 service' : `local stand-in at ${i.ltxApiUrl}`}`,
    `  everything       ${settings.dataDir}/stack.json`,
    'Drop a photo: npx video-pipeline drop photo.jpg --wait   Stop: Ctrl-C',
    '',
  ].join('\n'),
);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  process.stderr.write('stopping…\n');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
