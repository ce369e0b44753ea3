/** Opening the knowledge for the command-line tools (KNOWLEDGE_DIR or the repository's folder). */
import { relative } from "node:path";
import { DEFAULT_KNOWLEDGE_DIR } from "../../config.ts";
import { loadDotenv } from "../../env.ts";
import { resolve } from "node:path";

/** The knowledge folder the CLI tools use, and how to show it in messages. */
export function cliKnowledgeDir(): { dir: string; display: string } {
  loadDotenv();
  const fromEnv = process.env.KNOWLEDGE_DIR?.trim();
  const dir = fromEnv ? resolve(fromEnv) : DEFAULT_KNOWLEDGE_DIR;
  const display = fromEnv ? fromEnv.replace(/(.)\/+$/, "$1") : relative(process.cwd(), dir) || "knowledge";
  return { dir, display };
}
