/**
 * The local console: the same commands and chat answers as in Discord, typed in a
 * terminal. `/name opt:value …` runs a slash command; any other line is a chat question.
 * The console user is an admin (so /reload works). Ends at end of input.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Actor, Command, CommandData } from "../../interactions/command.ts";
import type { Reply } from "../../replies/reply.ts";
import type { Dispatcher } from "../../interactions/dispatcher.ts";
import { renderReplyText } from "../../replies/render-text.ts";

export const CONSOLE_ACTOR: Actor = {
  id: "console",
  name: "you",
  isAdmin: true,
  guildId: "console",
  locale: "en-US",
};

export const BANNER = [
  "Kizuna — local console. No DISCORD_TOKEN is set, so nothing connects to Discord.",
  "Type a question (When were diplomatic relations established?) or a command (/help, /timeline from:1960 to:1980).",
  "To run in Discord: put DISCORD_TOKEN in .env (see README), run `npm run deploy-commands`, then `npm start`.",
  "End with Ctrl-D.",
].join("\n");

/** Splits "/timeline relation:x from:1960" into a command name and option values. */
export function parseCommandLine(
  line: string,
  commands: readonly Command<CommandData>[],
): { name: string; options: Record<string, string> } {
  const [, name = "", rest = ""] = /^\/(\S*)\s*(.*)$/s.exec(line.trim()) ?? [];
  const command = commands.find((c) => c.data.name === name.toLowerCase());
  const names = (command?.data.options ?? []).map((o) => o.name);
  const options: Record<string, string> = {};
  if (!command || names.length === 0) return { name: name.toLowerCase(), options };
  // Values run until the next "name:" of this command, so they can hold spaces and colons.
  const marker = new RegExp(`(?:^|\\s)(${names.join("|")}):`, "g");
  const marks = [...rest.matchAll(marker)];
  if (marks.length === 0 || (marks[0]!.index ?? 0) > 0) {
    // "/ask When were…": the text before any name: goes to the first required option.
    const first = command.data.options?.find((o) => o.required) ?? command.data.options?.[0];
    const end = marks[0]?.index ?? rest.length;
    if (first && rest.slice(0, end).trim()) options[first.name] = rest.slice(0, end).trim();
  }
  marks.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length;
    const end = marks[i + 1]?.index ?? rest.length;
    options[m[1]!] = rest.slice(start, end).trim();
  });
  return { name: name.toLowerCase(), options };
}

export interface ConsoleOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly prompt?: boolean;
  /** Where attachments (pictures) are saved; default: a new folder under the system's temp folder. */
  readonly attachmentsDir?: string;
}

/**
 * Saves a reply's attachments under `dir` and returns their absolute paths. A name used
 * earlier in the session gets a number, so every printed path keeps showing its own file.
 */
export async function saveAttachments(reply: Reply, dir: string, used: Set<string>): Promise<string[]> {
  const paths: string[] = [];
  for (const file of reply.files ?? []) {
    // The name comes from the reply: never let it leave the folder.
    const safe = basename(file.name).replace(/[^\w.-]+/g, "_") || "attachment";
    const dot = safe.lastIndexOf(".");
    const [stem, ext] = dot > 0 ? [safe.slice(0, dot), safe.slice(dot)] : [safe, ""];
    let name = safe;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}${ext}`;
    used.add(name);
    await mkdir(dir, { recursive: true });
    const path = resolve(dir, name);
    await writeFile(path, file.data);
    paths.push(path);
  }
  return paths;
}

/** Runs the console until end of input. */
export async function runConsole(dispatcher: Dispatcher, options: ConsoleOptions): Promise<void> {
  const { output } = options;
  output.write(`${BANNER}\n\n`);
  const rl = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const prompt = () => {
    if (options.prompt) output.write("kizuna> ");
  };
  let dir = options.attachmentsDir;
  const used = new Set<string>();
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line) {
      const reply = line.startsWith("/")
        ? await (() => {
            const { name, options: opts } = parseCommandLine(line, dispatcher.commands);
            return dispatcher.command(name, opts, CONSOLE_ACTOR);
          })()
        : await dispatcher.chat(line, CONSOLE_ACTOR);
      let text = reply ? renderReplyText(reply) : "(no reply)";
      if (reply?.files?.length) {
        dir ??= await mkdtemp(join(tmpdir(), "kizuna-console-"));
        // Each path on its own line, so a script (or a person) can pick it up.
        for (const path of await saveAttachments(reply, dir, used)) text += `\nattachment: ${path}`;
      }
      output.write(`${text}\n\n`);
    }
    prompt();
  }
}
