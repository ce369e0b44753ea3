/**
 * Discord signs every request to the Interactions Endpoint URL with the application's
 * Ed25519 key: `X-Signature-Ed25519` over `X-Signature-Timestamp` + the raw body. Anything
 * that does not verify is refused before its body is even parsed. Node's WebCrypto does
 * Ed25519: no package needed.
 */

/** How far a request's timestamp may be from our clock (either way) before it counts as stale. */
export const MAX_SKEW_SECONDS = 300;

export type Verdict = "ok" | "unsigned" | "stale" | "forged";

export interface Verifier {
  /** Checks one request's signature headers against its raw body. Never throws. */
  verify(signature: string | undefined, timestamp: string | undefined, body: Uint8Array): Promise<Verdict>;
}

const HEX_SIGNATURE = /^[0-9a-fA-F]{128}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** A verifier for the application's public key (64 hex characters, as the developer portal shows it). */
export async function createVerifier(publicKeyHex: string, now: () => number = Date.now): Promise<Verifier> {
  if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex)) throw new Error("the public key must be 64 hex characters");
  const key = await crypto.subtle.importKey(
    "raw",
    Buffer.from(publicKeyHex, "hex"),
    { name: "Ed25519" },
    false,
    ["verify"],
  );
  return {
    async verify(signature, timestamp, body) {
      if (!signature || !timestamp) return "unsigned";
      if (!HEX_SIGNATURE.test(signature) || !TIMESTAMP.test(timestamp)) return "forged";
      // A stale timestamp is a replayed request: a captured one stops working after a few minutes.
      if (Math.abs(now() / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return "stale";
      const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
      try {
        const ok = await crypto.subtle.verify(
          { name: "Ed25519" },
          key,
          Buffer.from(signature, "hex"),
          signed,
        );
        return ok ? "ok" : "forged";
      } catch {
        return "forged";
      }
    },
  };
}
