/**
 * The local LTX-2 server alone, for trying it by hand:
 *   npx tsx local/ltx/main.ts [--port 4010] [--realistic]
 *   curl -X POST http://127.0.0.1:4010/v1/image-to-video -H 'content-type: application/json' \
 *     -d '{"image_uri":"data:image/jpeg;base64,...","prompt":"slow push in","model":"ltx-2-fast",
 *          "duration":6,"resolution":"1920x1080","fps":25,"camera_motion":"dolly_in"}' -o clip.mp4
 */
import { startLtxServer } from './server';

const args = process.argv.slice(2);
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? Number(args[portIndex + 1]) : 4010;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(args[portIndex + 1])}`);
  process.exit(2);
}

const server = await startLtxServer({
  port,
  speed: args.includes('--realistic') ? 'realistic' : 'fast',
  log: (message, context) => console.log(message, context ? JSON.stringify(context) : ''),
});
console.log(`LTX-2 stand-in ready: POST ${server.url}/v1/image-to-video`);

const shutdown = () => {
  void server.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
