/** The environment of a child `node src/main.ts`: the test's own, minus every Kizuna key, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  // A developer's shell or .env-loaded keys must not leak into the process under test.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) =>
        !/^(DISCORD_|KNOWLEDGE_|ADMIN_|CHAT_|COOLDOWN_|LOG_|KIZUNA_|HTTP_|HEALTH_|REDIS_|SHARD|DATA_DIR|DATABASE_URL|RECORD_|QUESTION_|FEEDBACK_)/.test(
          k,
        ),
    ),
  );
  return { ...clean, ...env };
}
