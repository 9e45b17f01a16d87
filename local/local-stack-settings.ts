import { portsFromBase, type LocalPorts } from './local-ports';

/** Settings of the local stack's own commands (`npm start`, `npm run demo`), from the same environment. */
export interface LocalStackSettings {
  dataDir: string;
  /** Set LTX_API_KEY to send jobs to the real LTX-2 service instead of the local stand-in. */
  realLtx: { apiKey: string; apiUrl: string | undefined } | undefined;
  verbose: boolean;
  env: Record<string, string>;
  /** From LOCAL_PORT_BASE (see local-ports.ts). */
  ports: LocalPorts;
}

const PASSED_THROUGH = ['MAX_JOBS_PER_DAY', 'ANONYMOUS_JOBS_PER_DAY', 'MAX_JOBS_PER_DAY_TOTAL', 'STUCK_JOB_MINUTES', 'MAX_JOB_ATTEMPTS', 'DEFAULT_CAMERA_MOTION', 'DEFAULT_MUSIC_FILE', 'LTX_MODEL', 'LTX_RESOLUTION', 'LTX_PORTRAIT_MODEL', 'LTX_FPS', 'REMOTION_BROWSER_EXECUTABLE', 'ALLOWED_ORIGINS', 'OPERATOR_USER_ID', 'DEFAULT_FORMATS'];

export function loadLocalStackSettings(env: Record<string, string | undefined> = process.env): LocalStackSettings {
  const passed: Record<string, string> = {};
  for (const name of PASSED_THROUGH) if (env[name]) passed[name] = env[name]!;
  return {
    dataDir: env.LOCAL_DATA_DIR || '.local',
    realLtx: env.LTX_API_KEY ? { apiKey: env.LTX_API_KEY, apiUrl: env.LTX_API_URL || undefined } : undefined,
    verbose: env.VERBOSE === '1' || env.VERBOSE === 'true',
    env: passed,
    ports: portsFromBase(env.LOCAL_PORT_BASE),
  };
}
