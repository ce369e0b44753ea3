/**
 * How Kizuna's processes exit, so a supervisor (systemd, a container runtime) can tell a
 * failure a restart may fix from one only a person can fix. The numbers follow BSD's
 * sysexits.h where one fits, so they do not collide with a shell's 126–165 or Node's own 1
 * (an uncaught exception before our handlers exist) and 13 (an unsettled top-level await).
 */
export const ExitCode = {
  /** A clean shutdown (SIGTERM, SIGINT, the console's input ended). */
  Ok: 0,
  /** Invalid knowledge at start-up: fix the files (npm run check-knowledge). Do not restart. */
  InvalidKnowledge: 65,
  /** Discord could not be reached or a transient fault: restarting may help. */
  Unavailable: 69,
  /** A bug or a malformed payload crashed the process: restart, and report it. */
  Crash: 70,
  /** Discord refused us for good (bad token, disallowed intents): do not restart. */
  GatewayRefused: 77,
  /** Invalid configuration (.env, environment): do not restart. */
  Config: 78,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
