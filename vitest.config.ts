import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // End-to-end tests open sockets on 127.0.0.1; give them room on a busy 2-core machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
