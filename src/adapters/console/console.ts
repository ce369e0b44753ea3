/**
 * The local console: the same commands and chat answers as in Discord, typed in a
 * terminal. `/name opt:value …` runs a slash command; any other line is a chat question.
 * The console user is an admin (so /reload works). Ends at end of input.
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Actor, Command, CommandData } from "../../interactions/command.ts";
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
}

/** Runs the console until end of input. */
export async function runConsole(dispatcher: Dispatcher, options: ConsoleOptions): Promise<void> {
  const { output } = options;
  output.write(`${BANNER}\n\n`);
  const rl = createInterface({ input: options.input, terminal: false, crlfDelay: Infinity });
  const prompt = () => {
    if (options.prompt) output.write("kizuna> ");
  };
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
      output.write(`${reply ? renderReplyText(reply) : "(no reply)"}\n\n`);
    }
    prompt();
  }
}
