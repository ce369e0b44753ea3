/**
 * Health and metrics for a process, when HEALTH_PORT asks for them: the Telemetry the runtime
 * counts into, and the server that shows it. Started before the knowledge loads, so /healthz
 * answers (and /readyz says "knowledge not loaded yet") through a long start-up.
 */
import { Status, type Client } from "discord.js";
import { commands } from "../commands/index.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { startHealthServer, type HealthServer } from "./health.ts";
import { Telemetry, type GatewayState } from "./telemetry.ts";

export interface Operations {
  readonly telemetry: Telemetry;
  readonly server: HealthServer;
  close(): Promise<void>;
}

/** Starts the health server on HEALTH_PORT; undefined when it is not set. Throws when it cannot listen. */
export async function startOperations(
  config: Pick<Config, "healthHost" | "healthPort" | "role">,
  log: Logger,
): Promise<Operations | undefined> {
  if (config.healthPort === undefined) return undefined;
  const telemetry = new Telemetry(commands.map((c) => c.data.name));
  let server: HealthServer;
  try {
    server = await startHealthServer({
      host: config.healthHost,
      port: config.healthPort,
      telemetry,
      about: { role: config.role, pid: process.pid },
    });
  } catch (error) {
    telemetry.close();
    throw error;
  }
  log.info({ url: server.url }, "health and metrics listening");
  return {
    telemetry,
    server,
    close: async () => {
      await server.close();
      telemetry.close();
    },
  };
}

/** The discord.js client's gateway, as /readyz and the metrics show it. */
export function gatewayState(client: Client): GatewayState {
  const status = client.ws.status;
  const ping = client.ws.ping;
  return {
    status: (Status[status] ?? String(status)).toLowerCase(),
    pingMs: ping >= 0 ? ping : undefined,
  };
}
