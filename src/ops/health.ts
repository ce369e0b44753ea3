/**
 * The operator's port (HEALTH_PORT, off by default; 127.0.0.1 unless HEALTH_HOST says
 * otherwise): GET /healthz (the process is alive), /readyz (it can answer: knowledge loaded,
 * gateway ready; 503 with the reasons otherwise), /metrics (Prometheus text). Apart from the
 * HTTP worker's public port on purpose: metrics are for the operator, not the internet.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Telemetry } from "./telemetry.ts";

export interface HealthServer {
  readonly server: Server;
  /** http://host:port */
  readonly url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: {
  readonly host: string;
  readonly port: number;
  readonly telemetry: Telemetry;
  /** Added to /healthz and /readyz (the role, the process id). */
  readonly about?: Record<string, unknown>;
}): Promise<HealthServer> {
  const { telemetry } = options;
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    const json = (status: number, body: unknown) =>
      send(status, "application/json; charset=utf-8", `${JSON.stringify(body)}\n`);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      return json(405, { error: "method not allowed" });
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz" || path === "/readyz") {
      const state = telemetry.state();
      const status = path === "/healthz" ? "alive" : state.ready ? "ready" : "not ready";
      return json(path === "/readyz" && !state.ready ? 503 : 200, { status, ...options.about, ...state });
    }
    if (path === "/metrics") {
      telemetry.registry.metrics().then(
        (text) => send(200, telemetry.registry.contentType, text),
        (error: unknown) => send(500, "text/plain", `metrics failed: ${(error as Error).message}\n`),
      );
      return;
    }
    json(404, { error: "not found", paths: ["/healthz", "/readyz", "/metrics"] });
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Never what keeps the process alive: it exits when its real work ends.
  server.unref();
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
