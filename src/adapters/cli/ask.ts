/**
 * `npm run ask -- "question"` prints the answer as a user sees it.
 * `npm run ask -- --jsonl` reads one question per line on stdin and prints one JSON
 * object per question, in order (an interface other tools depend on; see README).
 */
import { createInterface } from "node:readline";
import { answerQuestion } from "../../engine/engine.ts";
import { KnowledgeIndex } from "../../index/knowledge-index.ts";
import { loadKnowledge } from "../../knowledge/load.ts";
import { formatProblem } from "../../knowledge/problems.ts";
import { ExitCode } from "../../ops/exit-codes.ts";
import { renderAnswerText, toRecord, type AnswerRecord } from "../../replies/text.ts";
import { cliKnowledgeDir } from "./knowledge.ts";

// Piped into `head`, stdout closes early: that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const { dir, display } = cliKnowledgeDir();
  const loaded = await loadKnowledge(dir, display);
  if (!loaded.ok) {
    process.stderr.write(
      `The knowledge is invalid:\n${loaded.problems.map((p) => `  ${formatProblem(p)}`).join("\n")}\n`,
    );
    return ExitCode.InvalidKnowledge;
  }
  const index = KnowledgeIndex.build(loaded.knowledge);

  if (args.includes("--jsonl")) {
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line.trim()) continue;
      let record: AnswerRecord;
      try {
        record = toRecord(answerQuestion(index, line));
      } catch (error) {
        // A bug must not cost the other questions their answers; say so on stderr.
        process.stderr.write(
          `error answering ${JSON.stringify(line.slice(0, 80))}: ${(error as Error).stack}\n`,
        );
        record = {
          question: line,
          answered: false,
          answer: "Something went wrong answering this.",
          date: null,
          citations: [],
          factIds: [],
          answers: [],
          locale: "en",
        };
      }
      process.stdout.write(`${JSON.stringify(record)}\n`);
    }
    return 0;
  }

  const question = args
    .filter((a) => a !== "--")
    .join(" ")
    .trim();
  if (!question) {
    process.stderr.write(
      'Usage: npm run ask -- "When were diplomatic relations established?"\n       npm run ask -- --jsonl < questions.txt\n',
    );
    return 2;
  }
  process.stdout.write(`${renderAnswerText(answerQuestion(index, question))}\n`);
  return 0;
}

process.exitCode = await main();
