/**
 * Loads `.env` into process.env, quietly: dotenv's own banner would otherwise land on
 * stdout, which `ask --jsonl` reserves for JSON. Variables already set win over the file.
 */
import { config } from "dotenv";
import { fileURLToPath } from "node:url";

export function loadDotenv(): void {
  // The .env beside package.json, wherever the command is run from, then one in the cwd.
  config({ path: [fileURLToPath(new URL("../.env", import.meta.url)), ".env"], quiet: true });
}
