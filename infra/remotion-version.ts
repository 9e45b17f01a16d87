import { VERSION } from 'remotion/version';

/** The installed Remotion version: the deployed Remotion function must be of exactly this version. */
export const REMOTION_VERSION: string = VERSION;
/** How Remotion's deployFunction starts the names of this version's functions (speculateFunctionName). */
export const REMOTION_FUNCTION_NAME_PREFIX = `remotion-render-${VERSION.replace(/\./g, '-')}-`;
