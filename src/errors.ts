/**
 * Two kinds of error: a UserError is expected (no such fact, not allowed, bad date) and
 * its message is shown to the user; anything else is a bug, whose message is never shown.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Stable identifier for logs and tests, e.g. "not-admin". */
    readonly code: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}
