/**
 * The command registry: the one list the Discord adapter, the console and the deploy
 * script all read, and the chat handler. Adding a command = a file in this folder + a line here.
 */
import type { ChatHandler, Command, CommandData } from "../interactions/command.ts";
import ask from "./ask.ts";
import chatHandler from "./chat.ts";
import fact from "./fact.ts";
import gaps from "./gaps.ts";
import help from "./help.ts";
import relations from "./relations.ts";
import reload from "./reload.ts";
import sources from "./sources.ts";
import timeline from "./timeline.ts";

// Handlers are declared as methods (bivariant), so each command keeps its own option
// types and still fits the common shape here.
export const commands: readonly Command<CommandData>[] = [
  ask,
  timeline,
  fact,
  relations,
  sources,
  help,
  reload,
  gaps,
];

/** The handler for questions asked in chat, run by the same dispatcher. */
export const chat: ChatHandler = chatHandler;
