/**
 * What the process does with a fault nothing else caught: an exception thrown where no code of
 * ours is on the stack (discord.js's gateway packet handler choking on a malformed payload), or
 * a promise rejected with nobody listening.
 *
 * Policy: such a process is in a state nobody reasoned about, so it does not carry on. The
 * fault is logged through the logger (structured, one line, the token and other secrets
 * scrubbed as everywhere) and the process exits with ExitCode.Crash (70), for a supervisor to
 * restart it. Payloads that can be recognised as malformed beforehand and dropped harmlessly
 * never get this far (src/adapters/discord/packet-guard.ts).
 */
import type { Logger } from "../logger.ts";
import { ExitCode } from "./exit-codes.ts";

export interface ProcessFaultOptions {
  /** Ends the process (default: process.exit); tests pass their own. */
  readonly exit?: (code: number) => void;
  /** The process whose events are handled (default: this one). */
  readonly process?: Pick<NodeJS.Process, "on">;
}

/** Logs any uncaught exception or unhandled rejection, then exits with ExitCode.Crash. */
export function exitOnProcessFaults(log: Logger, options: ProcessFaultOptions = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const proc = options.process ?? process;
  let crashing = false;
  const crash = (error: unknown, origin: string) => {
    // A second fault while the first is being reported (the logger's stream failing): just go.
    if (crashing) return exit(ExitCode.Crash);
    crashing = true;
    try {
      log.fatal(
        { err: error, origin, exitCode: ExitCode.Crash },
        "uncaught fault; exiting for a supervisor to restart",
      );
      log.flush();
    } finally {
      // pino's destination writes what is buffered synchronously on exit.
      exit(ExitCode.Crash);
    }
  };
  proc.on("uncaughtException", (error, origin) => crash(error, origin));
  proc.on("unhandledRejection", (reason) => crash(reason, "unhandledRejection"));
}
